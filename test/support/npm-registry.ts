/**
 * A read-only npm registry on loopback, so install tests run the user's own commands
 * (`npm install ./rsrun-<v>.tgz`, `npm install -g`, `npm install git+...`) with no network: it
 * serves a packument for every package of rsrun's package-lock.json (the locked versions only) and
 * their tarballs straight from this machine's npm cache (content-addressed by the lockfile's
 * integrity). A package missing from the cache is a 404, which npm reports by name.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

interface LockEntry {
  version?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, unknown>;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  os?: string[];
  cpu?: string[];
  libc?: string[];
}

export interface LocalRegistry {
  url: string;
  /** Tarballs served, for assertions and messages. */
  served: string[];
  close(): Promise<void>;
}

const MANIFEST_FIELDS = [
  'dependencies',
  'optionalDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'bin',
  'engines',
  'os',
  'cpu',
  'libc',
] as const;

/** cacache's layout: content-v2/<algorithm>/<hex[0..2]>/<hex[2..4]>/<hex[4..]>. */
function cachedFile(cacheDir: string, integrity: string): string | undefined {
  const [algorithm, digest] = integrity.split(' ')[0]?.split('-') ?? [];
  if (!algorithm || !digest) return undefined;
  const hex = Buffer.from(digest, 'base64').toString('hex');
  const file = path.join(cacheDir, '_cacache', 'content-v2', algorithm, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
  return existsSync(file) ? file : undefined;
}

export async function startLocalRegistry(lockfile: string, cacheDir: string): Promise<LocalRegistry> {
  const lock = JSON.parse(readFileSync(lockfile, 'utf8')) as { packages: Record<string, LockEntry> };
  const versions = new Map<string, Map<string, LockEntry>>();
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (where === '' || entry.link || !entry.version || !entry.integrity) continue;
    const name = where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (!versions.has(name)) versions.set(name, new Map());
    versions.get(name)?.set(entry.version, entry);
  }
  const served: string[] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0] as string);
    const tarball = /^\/-\/tarball\/(.+)\/([^/]+)\.tgz$/.exec(url);
    if (tarball) {
      const entry = versions.get(tarball[1] as string)?.get(tarball[2] as string);
      const file = entry?.integrity ? cachedFile(cacheDir, entry.integrity) : undefined;
      if (!file) return void res.writeHead(404).end();
      served.push(`${tarball[1]}@${tarball[2]}`);
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void createReadStream(file).pipe(res);
    }
    const name = url.slice(1);
    const known = versions.get(name);
    if (!known) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    const packument = {
      name,
      'dist-tags': { latest: [...known.keys()].at(-1) },
      versions: Object.fromEntries(
        [...known].map(([version, entry]) => [
          version,
          {
            name,
            version,
            ...Object.fromEntries(MANIFEST_FIELDS.filter((f) => entry[f] !== undefined).map((f) => [f, entry[f]])),
            dist: { tarball: `${base}/-/tarball/${name}/${version}.tgz`, integrity: entry.integrity },
          },
        ]),
      ),
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: base, served, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
