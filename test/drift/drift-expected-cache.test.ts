/**
 * The expected side of a drift check is replayed once per applied set and read back from
 * `.rsrun/drift-expected.json` after that (runner/operations/drift-expected-cache.ts): the cache is
 * what the check uses when its key matches, a broken cache file costs only a replay, and anything
 * the expected schema depends on changes the key.
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../../runner/config/types';
import type { Migration } from '../../runner/migrations/migration';
import { expectedSnapshotKey } from '../../runner/operations/drift-expected-cache';
import { describeEachEngine } from '../support/engines';
import { deployedDriftProject } from './project';

interface CacheFile {
  entries: { key: string; snapshot: { tables: [string, unknown][] } }[];
}

describeEachEngine('drift: the expected schema is cached per applied set', (db) => {
  const { project, cli } = deployedDriftProject(db);
  const cacheFile = () => path.join(project().dir, '.rsrun', 'drift-expected.json');
  const readCache = () => JSON.parse(readFileSync(cacheFile(), 'utf8')) as CacheFile;

  it('reads the cached schema when the key matches, replays when the file is broken, adds an entry for a new applied set', async function () {
    this.timeout(300_000);
    const first = await cli('drift', '--env', 'test');
    expect(first.code, first.stderr + first.stdout).to.equal(0);
    const cache = readCache();
    expect(cache.entries).to.have.length(1);

    // A cache that says sales.items was never built: the next check believes it, which shows the
    // check read the cache instead of replaying (a replay would build sales.items).
    const entry = cache.entries[0] as CacheFile['entries'][number];
    expect(entry.snapshot.tables.map(([name]) => name)).to.include('sales.items');
    entry.snapshot.tables = entry.snapshot.tables.filter(([name]) => name !== 'sales.items');
    writeFileSync(cacheFile(), JSON.stringify(cache));
    const poisoned = await cli('drift', '--env', 'test', '--json');
    expect(poisoned.code, poisoned.stderr + poisoned.stdout).to.equal(9);
    expect((JSON.parse(poisoned.stdout) as { items: { object: string }[] }).items.map((i) => i.object)).to.deep.equal(['sales.items']);

    // A broken file is no cache: the check replays and writes a whole one again.
    writeFileSync(cacheFile(), '{"entries": [');
    const replayed = await cli('drift', '--env', 'test');
    expect(replayed.code, replayed.stderr + replayed.stdout).to.equal(0);
    expect(readCache().entries).to.have.length(1);

    // A newly applied migration is another applied set: a replay, and a second entry.
    project().migration('V6__notes.sql', 'CREATE TABLE sales.notes (id INTEGER, body VARCHAR(200));\n');
    const migrated = await cli('migrate', '--env', 'test');
    expect(migrated.code, migrated.stderr + migrated.stdout).to.equal(0);
    const after = await cli('drift', '--env', 'test');
    expect(after.code, after.stderr + after.stdout).to.equal(0);
    const entries = readCache().entries;
    expect(entries).to.have.length(2);
    expect(entries[0]?.snapshot.tables.map(([name]) => name)).to.include('sales.notes');
  });
});

describe('drift: the expected-schema cache key', () => {
  const config = { project: { historySchema: 'rsrun', historyTable: 'history' } } as ResolvedConfig;
  const migration = (script: string, checksum: string): Migration => ({ kind: 'versioned', script, checksum }) as Migration;
  const applied = [migration('V1__a.sql', 'c1'), migration('V2__b.sql', 'c2')];
  const scope = { include: [], exclude: ['rsrun'] };
  const key = expectedSnapshotKey(config, applied, scope, true);

  it('is the same for the same inputs', () => {
    expect(expectedSnapshotKey(config, [...applied], { include: [], exclude: ['rsrun'] }, true)).to.equal(key);
  });

  it('changes with each input the expected schema depends on', () => {
    const variants = [
      expectedSnapshotKey(config, [migration('V1__a.sql', 'c1'), migration('V2__b.sql', 'c3')], scope, true),
      expectedSnapshotKey(config, [migration('V1__a.sql', 'c1'), migration('V2__c.sql', 'c2')], scope, true),
      expectedSnapshotKey(config, [migration('V2__b.sql', 'c2'), migration('V1__a.sql', 'c1')], scope, true),
      expectedSnapshotKey(config, applied.slice(0, 1), scope, true),
      expectedSnapshotKey(config, [...applied, { ...migration('R__v.sql', 'c4'), kind: 'repeatable' } as Migration], scope, true),
      expectedSnapshotKey(config, applied, scope, false),
      expectedSnapshotKey(config, applied, { include: ['sales'], exclude: ['rsrun'] }, true),
      expectedSnapshotKey({ project: { historySchema: 'rsrun', historyTable: 'other' } } as ResolvedConfig, applied, scope, true),
    ];
    expect(new Set([key, ...variants]).size).to.equal(variants.length + 1);
  });
});
