#!/usr/bin/env node
/**
 * `npm run build`: the CLI as one bundled file, dist/rsrun.js, plus the pre-initialised PGlite
 * cluster in dist/pgdata/ (runner/local/pgdata-template.ts).
 *
 * Why a bundle: `rsrun plan` spent a third of its time resolving and reading ~400 module files
 * (rsrun's own, commander, pg, winston). esbuild (a well-kept bundler; tsx already runs on it) puts
 * them in one file; modules behind `await import()` stay lazy (wrapped, run on first import).
 * Packages that load files next to their own code (PGlite's .wasm/.data, libpg-query's wasm), the
 * AWS SDK and dockerode (large, needed by few commands) stay in node_modules and load on demand.
 * Type checking is `npm run typecheck` (tsc); esbuild only strips types.
 *
 *   node scripts/build.mjs               # bundle + template (the template only if missing)
 *   node scripts/build.mjs --no-template # bundle only (the Docker build: containers run on Redshift)
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));

const EXTERNAL = [
  '@electric-sql/pglite',
  '@electric-sql/pglite-socket',
  'libpg-query',
  // COPY ... LZOP: decompress.ts reads the package's .wasm from its own directory.
  'lzo-wasm',
  '@aws-sdk/*',
  '@smithy/*',
  'dockerode',
  // pg's optional native binding, never installed by rsrun.
  'pg-native',
];

// dist/ holds the build's output only: anything else (the one-file-per-module output of the former
// tsc build) goes, except the template, which costs an initdb to remake.
const dist = path.join(root, 'dist');
for (const entry of existsSync(dist) ? readdirSync(dist) : []) {
  if (entry !== 'pgdata') rmSync(path.join(dist, entry), { recursive: true, force: true });
}

/**
 * pg asks "is this a Cloudflare Worker?" when it is first required, by constructing a fetch
 * `Response`: that loads Node's undici, ~25-50 ms of every command's start-up. rsrun runs on Node
 * only, so in the bundle the question has its answer. If pg changes the function, the build says
 * so and leaves pg as it is.
 */
const pgNotOnCloudflare = {
  name: 'pg-not-on-cloudflare',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const marker = 'function isCloudflareRuntime() {';
      if (!source.includes(marker)) {
        return { contents: source, loader: 'js', warnings: [{ text: `${marker} not found: pg's Cloudflare check stays (slower start-up)` }] };
      }
      return { contents: source.replace(marker, `${marker}\n  return false // rsrun: Node only (scripts/build.mjs)\n`), loader: 'js' };
    });
  },
};

await build({
  entryPoints: [path.join(root, 'runner', 'cli', 'main.ts')],
  outfile: path.join(dist, 'rsrun.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: EXTERNAL,
  sourcemap: 'linked',
  // Names kept: error classes and stack traces stay readable.
  keepNames: true,
  // import() of the external packages becomes require(): bin/rsrun.js compiles the bundle with a V8
  // code cache (vm.Script), and on Node 20 a native import() in code read from such a cache fails
  // ("A dynamic import callback was not specified"). Every external package has a CommonJS entry.
  supported: { 'dynamic-import': false },
  logLevel: 'warning',
  plugins: [pgNotOnCloudflare],
});

if (!args.has('--no-template')) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'make-pgdata-template.ts')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
