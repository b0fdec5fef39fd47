#!/usr/bin/env node
'use strict';
// dist/rsrun.js is the whole CLI in one file (scripts/build.mjs). Compiling its 2 MB is most of
// what `rsrun --version` costs beyond `node -e 0` (a CPU profile: ~50 % in the CJS loader's
// compile), so it is compiled with a V8 code cache, the same mechanism as Node 22's
// module.enableCompileCache(), which Node 20 lacks. One cache per command word (a plan and a
// deploy compile different functions), next to the bundle, written after the first run of that
// command when the directory is writable; the build removes them with the bundle. V8 refuses a
// cache made by another V8 or for another source (cachedDataRejected), and then the bundle is
// compiled as without one. NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it does Node's own.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const bundle = path.join(__dirname, '..', 'dist', 'rsrun.js');
const argv = process.argv.slice(2);

/** The command word: the first bare word not following a --option that may take it as its value. */
function commandKey(args) {
  for (let i = 0; i < args.length; i++) {
    const previous = i > 0 ? args[i - 1] : '';
    if (/^[a-z][a-z-]{0,30}$/.test(args[i]) && !(previous.startsWith('-') && !previous.includes('='))) return args[i];
  }
  return 'none';
}

function loadWithCodeCache() {
  // V8 checks a cache against its source's length only: the bundle's mtime in the name keeps a
  // cache from ever meeting another bundle of the same length (the build also deletes them).
  const stamp = Math.trunc(fs.statSync(bundle).mtimeMs).toString(36);
  const cacheFile = `${bundle}.${commandKey(argv)}.${stamp}.v8cache`;
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // No importModuleDynamically: on Node 20 it is lost for code read from a cache, so the build
  // turns the bundle's import() of external packages into require() (scripts/build.mjs).
  const script = new vm.Script(Module.wrap(fs.readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  mod.paths = Module._nodeModulePaths(path.dirname(bundle));
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
  if (cachedData === undefined || script.cachedDataRejected) {
    // At exit the cache holds every function this command compiled. A read-only install (the
    // image's /app/dist) simply has none.
    process.once('exit', () => {
      const partial = `${cacheFile}.${process.pid}.partial`;
      try {
        fs.writeFileSync(partial, script.createCachedData());
        fs.renameSync(partial, cacheFile);
      } catch {
        fs.rmSync(partial, { force: true });
      }
    });
  }
  return mod.exports;
}

(process.env.NODE_DISABLE_COMPILE_CACHE ? require(bundle) : loadWithCodeCache()).main(argv);
