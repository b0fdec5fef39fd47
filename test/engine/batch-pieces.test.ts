/**
 * A round trip sent from pieces (pg-batch-query.ts): the server sees one text, answers with the
 * last result that has rows, reports error positions in that text, and the client holds at most
 * two statement results however many statements the round trip has (issue 14 defect 13).
 */
import { expect } from 'chai';
import pg from 'pg';
import { batchQuery, heldResults, queryMessage } from '../../runner/warehouse/pg-batch-query';
import { describeEachEngine } from '../support/engines';

const statements = (table: string, n: number) => Array.from({ length: n }, (_, i) => `insert into ${table} values (${i});\n`);

describe('the Query message built from pieces', () => {
  it("is 'Q', the length in bytes (itself included), the UTF-8 text and a NUL", () => {
    const m = queryMessage(['select ', "'é'", ' as x']);
    const text = Buffer.from("select 'é' as x", 'utf8');
    expect(m[0]).to.equal(0x51);
    expect(m.readInt32BE(1)).to.equal(4 + text.length + 1);
    expect(m.subarray(5, 5 + text.length).equals(text)).to.equal(true);
    expect(m[m.length - 1]).to.equal(0);
    expect(m.length).to.equal(5 + text.length + 1);
  });
});

describeEachEngine('a batch sent from pieces', (db) => {
  it('runs as one text and returns the last result with rows', async () => {
    const s = await db.warehouse().acquire();
    try {
      const pieces = [
        'create table pieces_rows (v int);\n',
        ...statements('pieces_rows', 3000),
        'select count(*)::int as n from pieces_rows;\n',
        'select 1 where false;\n',
      ];
      const r = await s.batch(pieces);
      expect(r.rows).to.deep.equal([]);
      const last = await s.batch(['select count(*)::int as n', ' from pieces_rows;\n', 'insert into pieces_rows values (-1);\n']);
      expect(last.rows).to.deep.equal([{ n: 3000 }]);
    } finally {
      await s.release();
    }
  });

  it('reports a failing statement at its position in the joined text', async () => {
    const s = await db.warehouse().acquire();
    try {
      const pieces = ['select 1;\n', 'select 2;\n', 'select * from no_such_table;\n'];
      const err = (await s.batch(pieces).catch((e: unknown) => e)) as { position?: string; message: string };
      expect(err.message).to.contain('no_such_table');
      expect(Number(err.position)).to.equal(pieces.join('').indexOf('no_such_table') + 1);
      expect((await s.batch(['select ', '3 as x'])).rows).to.deep.equal([{ x: 3 }]);
    } finally {
      await s.release();
    }
  });

  it('holds at most two statement results while a round trip of thousands runs', async () => {
    const client = await db.client();
    await client.query('create table pieces_held (v int)');
    let most = 0;
    const query = batchQuery([...statements('pieces_held', 2000), 'select 7 as x;\n', ...statements('pieces_held', 10)], () => undefined);
    const done = new Promise<unknown>((resolve, reject) => {
      query.on('end', resolve);
      query.on('error', reject);
    });
    const internals = query as unknown as { handleCommandComplete(msg: unknown, con: unknown): void };
    const complete = internals.handleCommandComplete.bind(query);
    internals.handleCommandComplete = (msg, con) => {
      complete(msg, con);
      most = Math.max(most, heldResults(query));
    };
    client.query(query);
    const results = (await done) as pg.QueryResult[];
    expect(most).to.equal(2);
    expect(results.map((r) => [r.command, r.rows])).to.deep.equal([
      ['SELECT', [{ x: 7 }]],
      ['INSERT', []],
    ]);
  });
});
