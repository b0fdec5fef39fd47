// Applies a postgrator project the way postgrator's README shows: a pg.Client and migrate().
// Usage: node run-postgrator.mjs <migrations-dir>; connection from PGHOST/PGPORT/PGDATABASE/PGUSER/PGPASSWORD.
import path from 'node:path';
import pg from 'pg';
import Postgrator from 'postgrator';

const dir = path.resolve(process.argv[2] ?? 'migrations');
const client = new pg.Client();
await client.connect();
try {
  const postgrator = new Postgrator({
    migrationPattern: path.join(dir, '*'),
    driver: 'pg',
    database: process.env.PGDATABASE,
    schemaTable: 'schemaversion',
    execQuery: (query) => client.query(query),
  });
  const applied = await postgrator.migrate();
  process.stdout.write(`postgrator applied ${applied.length} migrations\n`);
} finally {
  await client.end();
}
