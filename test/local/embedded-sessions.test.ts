/**
 * The embedded engine is one PostgreSQL backend behind a socket server: without a reset, a temp
 * table, a setting or an advisory lock of one client session would be seen by the next client (on
 * the resident server, the next command). PostgreSQL drops them with the session that made them.
 */
import { expect } from 'chai';
import pg from 'pg';
import { startEmbedded, type EmbeddedServer } from '../../runner/warehouse/embedded';

async function connect(server: EmbeddedServer): Promise<pg.Client> {
  const c = new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.database });
  await c.connect();
  return c;
}

/** Waits (bounded) until the server has seen every client go. */
async function allDisconnected(server: EmbeddedServer): Promise<void> {
  for (let waited = 0; server.connections() > 0; waited += 10) {
    if (waited > 10_000) throw new Error(`the server still counts ${server.connections()} connection(s)`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('embedded engine: what a client session leaves behind', () => {
  let server: EmbeddedServer;
  before(async () => (server = await startEmbedded({ dataDir: undefined, fresh: false })));
  after(async () => server.stop());

  it('a temp table, a setting and an advisory lock of one connection are not seen by the next', async () => {
    const a = await connect(server);
    await a.query('create temp table leftover (v int)');
    await a.query("set application_name = 'first client'");
    await a.query('select pg_advisory_lock(4242)');
    expect((await a.query("select to_regclass('pg_temp.leftover')::text as t")).rows[0].t).to.equal('leftover');
    await a.end();
    await allDisconnected(server);

    const b = await connect(server);
    try {
      expect((await b.query("select to_regclass('pg_temp.leftover')::text as t")).rows[0].t).to.equal(null);
      expect((await b.query('show application_name')).rows[0].application_name).to.not.equal('first client');
      expect((await b.query('select pg_try_advisory_lock(4242) as ok')).rows[0].ok).to.equal(true);
      // Its own temp table lives as long as it does.
      await b.query('create temp table leftover (v int)');
      await b.query('insert into leftover values (1)');
      expect((await b.query('select count(*)::int as n from leftover')).rows[0].n).to.equal(1);
    } finally {
      await b.end();
    }
  });

  it('a connection opened while another is open leaves the open one its state', async () => {
    const a = await connect(server);
    try {
      await a.query('create temp table kept_while_open (v int)');
      const c = await connect(server);
      await c.query('select 1');
      await c.end();
      expect((await a.query("select to_regclass('pg_temp.kept_while_open')::text as t")).rows[0].t).to.equal('kept_while_open');
    } finally {
      await a.end();
    }
  });
});
