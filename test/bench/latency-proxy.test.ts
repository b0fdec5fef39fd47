/**
 * The benchmark's counting proxy: it must count PostgreSQL round trips exactly (the deploy
 * scenario's targets rest on these numbers) and really add its delay on every crossing.
 */
import { expect } from 'chai';
import pg from 'pg';
import { FrontendMessageCounter, LatencyProxy } from '../../bench/lib/latency-proxy';
import { describeEachEngine } from '../support/engines';

/** A typed frontend message: type byte, int32 length (itself included), payload. */
function message(type: string, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(4 + payload.length, 1);
  return Buffer.concat([head, payload]);
}

function untyped(code: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + payload.length, 0);
  head.writeInt32BE(code, 4);
  return Buffer.concat([head, payload]);
}

describe('bench: FrontendMessageCounter', () => {
  it('counts messages across arbitrary chunk boundaries, after SSLRequest and startup', () => {
    const stream = Buffer.concat([
      untyped(80877103), // SSLRequest: the real startup follows
      untyped(196608, Buffer.from('user\0rsrun\0\0')),
      message('p', Buffer.from('secret\0')),
      message('Q', Buffer.from('BEGIN; SELECT 1; COMMIT\0')),
      message('P', Buffer.from('\0SELECT $1\0\0\0')),
      message('B', Buffer.alloc(10)),
      message('E', Buffer.alloc(5)),
      message('S'),
      message('X'),
    ]);
    // Feed it one byte, then 3 bytes, then 7 bytes, ... so no message arrives whole.
    const counter = new FrontendMessageCounter();
    for (let at = 0, size = 1; at < stream.length; at += size, size = (size * 3) % 11 || 1) counter.push(stream.subarray(at, at + size));
    expect(counter.counts).to.deep.equal({ startup: 2, p: 1, Q: 1, P: 1, B: 1, E: 1, S: 1, X: 1 });
  });

  it('waits for a message that is not complete yet', () => {
    const counter = new FrontendMessageCounter();
    counter.push(untyped(196608, Buffer.from('user\0a\0\0')));
    const q = message('Q', Buffer.from('SELECT 1\0'));
    counter.push(q.subarray(0, q.length - 1));
    expect(counter.counts['Q']).to.equal(undefined);
    counter.push(q.subarray(q.length - 1));
    expect(counter.counts['Q']).to.equal(1);
  });
});

describeEachEngine('bench: LatencyProxy', (db) => {
  it('counts one round trip per simple query (even multi-statement) and per extended-protocol sync', async () => {
    const proxy = new LatencyProxy({ targetHost: db.host, targetPort: db.port, delayMs: 1 });
    await proxy.start();
    const client = new pg.Client({ host: '127.0.0.1', port: proxy.port, user: db.user, password: db.password, database: db.database });
    try {
      await client.connect();
      proxy.reset();
      await client.query('SELECT 1');
      await client.query('SELECT 1; SELECT 2; SELECT 3');
      const r = await client.query<{ n: number }>('SELECT $1::int AS n', [7]);
      expect(r.rows[0]!.n).to.equal(7);
      const counted = proxy.snapshot();
      expect(counted.simpleQueries).to.equal(2);
      expect(counted.syncs).to.equal(1);
      expect(counted.queries).to.equal(3);
      // Three exchanges, each started by the client after the server answered.
      expect(counted.turns).to.equal(3);
    } finally {
      await client.end();
      await proxy.stop();
    }
  });

  it('counts connections and delays each crossing by at least the configured one-way delay', async () => {
    const delayMs = 25;
    const proxy = new LatencyProxy({ targetHost: db.host, targetPort: db.port, delayMs });
    await proxy.start();
    const client = new pg.Client({ host: '127.0.0.1', port: proxy.port, user: db.user, password: db.password, database: db.database });
    try {
      await client.connect();
      const started = performance.now();
      await client.query('SELECT 1');
      // A lower bound only: a round trip crosses the link twice, whatever else the machine does.
      expect(performance.now() - started).to.be.at.least(2 * delayMs - 1);
      expect(proxy.snapshot().connections).to.equal(1);
      expect(proxy.snapshot().firstStatementAt).to.be.a('number');
    } finally {
      await client.end();
      await proxy.stop();
    }
  });
});
