/**
 * The expected side of a drift check, kept in `<project>/.rsrun/drift-expected.json` between runs.
 *
 * Building it replays every applied migration into a scratch embedded warehouse: for 300
 * migrations (1,345 statements) about 3 s of CPU and 190 MB more memory on every `plan` and
 * `deploy` of an environment with history, growing with the project. Yet it is a function of its
 * inputs only: the replayed migrations (by name and checksum, in order), whether the Redshift
 * emulation rewrote them, the schemas compared, the history table's name, and the code that
 * replays and reads (rsrun's build and the embedded engine's). So it is computed once per change
 * of those and read back otherwise. Test and production, having applied the same migrations,
 * share an entry. A missing, corrupt or unwritable cache only costs a replay.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedConfig } from '../config/types';
import type { GrantSnapshot, RoutineSnapshot, SchemaScope, Snapshot, TableSnapshot, ViewSnapshot } from '../drift/snapshot';
import type { Migration } from '../migrations/migration';
import { ensureStateDir } from '../run/state-dir';
import { VERSION } from '../version';

/** Entries kept: one per distinct applied set (test may be ahead of production, branches differ). */
const MAX_ENTRIES = 4;
const FILE_NAME = 'drift-expected.json';

interface StoredSnapshot {
  schemas: string[];
  tables: [string, TableSnapshot][];
  views: [string, ViewSnapshot][];
  routines: [string, RoutineSnapshot][];
  grants: GrantSnapshot[];
}

interface CacheFile {
  entries: { key: string; snapshot: StoredSnapshot }[];
}

/** What the expected snapshot depends on, as one hash. */
export function expectedSnapshotKey(
  config: ResolvedConfig,
  migrations: readonly Migration[],
  scope: SchemaScope,
  emulate: boolean,
): string {
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({
      version: VERSION,
      code: codeIdentity(),
      emulate,
      scope,
      history: [config.project.historySchema, config.project.historyTable],
    }),
  );
  for (const m of migrations) hash.update(`\u0000${m.kind}\u0000${m.script}\u0000${m.checksum}`);
  return hash.digest('hex');
}

export async function readCachedSnapshot(stateDir: string, key: string): Promise<Snapshot | undefined> {
  const entry = (await readCacheFile(path.join(stateDir, FILE_NAME))).entries.find((e) => e.key === key);
  return entry ? fromStored(entry.snapshot) : undefined;
}

export async function writeCachedSnapshot(stateDir: string, key: string, snapshot: Snapshot): Promise<void> {
  const file = path.join(stateDir, FILE_NAME);
  try {
    const kept = (await readCacheFile(file)).entries.filter((e) => e.key !== key).slice(0, MAX_ENTRIES - 1);
    await ensureStateDir(stateDir);
    // Two runs of the same project may write at once: each writes its own file and renames it
    // over the cache, so a reader sees one whole file or the other, never a mix.
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ entries: [{ key, snapshot: toStored(snapshot) }, ...kept] } satisfies CacheFile));
    await rename(temporary, file);
  } catch {
    // A read-only project directory (the runner image's, a mounted volume) only costs the next run a replay.
  }
}

async function readCacheFile(file: string): Promise<CacheFile> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<CacheFile>;
    return { entries: Array.isArray(parsed.entries) ? parsed.entries.filter(isEntry) : [] };
  } catch {
    return { entries: [] };
  }
}

function isEntry(e: unknown): e is CacheFile['entries'][number] {
  if (typeof e !== 'object' || e === null) return false;
  const { key, snapshot } = e as { key?: unknown; snapshot?: Partial<StoredSnapshot> };
  return (
    typeof key === 'string' &&
    typeof snapshot === 'object' &&
    [snapshot.schemas, snapshot.tables, snapshot.views, snapshot.routines, snapshot.grants].every(Array.isArray)
  );
}

function toStored(s: Snapshot): StoredSnapshot {
  return { schemas: s.schemas, tables: [...s.tables], views: [...s.views], routines: [...s.routines], grants: s.grants };
}

function fromStored(s: StoredSnapshot): Snapshot {
  return { schemas: s.schemas, tables: new Map(s.tables), views: new Map(s.views), routines: new Map(s.routines), grants: s.grants };
}

let identity: string | undefined;

/**
 * The replaying and reading code: the bundle (dist/rsrun.js is `__filename` once built) and the
 * embedded engine, by path, size and mtime. Run from source (tsx), any file of runner/ counts.
 */
function codeIdentity(): string {
  if (identity !== undefined) return identity;
  const files = [__filename, ...resolved('@electric-sql/pglite')];
  if (__filename.endsWith('.ts')) files.push(...tsFilesUnder(path.resolve(__dirname, '..')));
  identity = files
    .map((f) => {
      try {
        const s = statSync(f);
        return `${f}:${s.size}:${s.mtimeMs}`;
      } catch {
        return f;
      }
    })
    .join('\n');
  return identity;
}

function resolved(request: string): string[] {
  try {
    return [require.resolve(request)];
  } catch {
    return [];
  }
}

function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts'))
    .map((d) => path.join(d.parentPath, d.name));
}
