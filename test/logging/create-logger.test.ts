import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../runner/logging/create-logger';

/** A writable that records what a person would see on stderr; `isTTY` makes it look like a terminal. */
function capture(isTTY = false): PassThrough & { text(): string; isTTY?: boolean } {
  const s = new PassThrough() as PassThrough & { text(): string; isTTY?: boolean };
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  s.text = () => Buffer.concat(chunks).toString('utf8');
  if (isTTY) s.isTTY = true;
  return s;
}

describe('createLogger', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rsrun-log-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes JSON lines when the stream is not a terminal, and every line to run.log at debug level', async () => {
    const out = capture();
    const runLogPath = path.join(dir, 'run.log');
    const logger = createLogger({ level: 'info', format: 'auto', runLogPath, secrets: [], stream: out });
    logger.info('applied migration', { version: '1.2', durationMs: 41 });
    logger.debug('statement text', { sql: 'select 1' });
    logger.child({ runId: 'r1' }).warn('slow');
    await logger.close();

    const lines = out
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.level, l.message])).to.deep.equal([
      ['info', 'applied migration'],
      ['warn', 'slow'],
    ]);
    expect(lines[0]).to.include({ version: '1.2', durationMs: 41 });
    expect(lines[1]).to.include({ runId: 'r1' });
    expect(Date.parse(lines[0].timestamp)).to.be.a('number').and.not.NaN;

    const file = (await readFile(runLogPath, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(file.map((l) => l.message)).to.deep.equal(['applied migration', 'statement text', 'slow']);
  });

  it('writes readable text lines on a terminal (or with format text)', async () => {
    const tty = capture(true);
    const logger = createLogger({ level: 'debug', format: 'auto', secrets: [], stream: tty });
    logger.info('deploying to prod', { migrations: 3, target: 'postgres://deployer@h:5439/dev' });
    await logger.close();
    // What a person sees, colours removed.
    const seen = tty.text().replace(/\x1b\[[0-9;]*m/g, '');
    expect(seen).to.match(/^\d\d:\d\d:\d\d INFO  deploying to prod {2}migrations=3 target=postgres:\/\/deployer@h:5439\/dev\n$/);

    const plain = capture(true);
    const l2 = createLogger({ level: 'info', format: 'json', secrets: [], stream: plain });
    l2.error('boom');
    await l2.close();
    expect(JSON.parse(plain.text())).to.include({ level: 'error', message: 'boom' });
  });

  it('filters by level on the terminal', async () => {
    const out = capture();
    const logger = createLogger({ level: 'warn', format: 'text', secrets: [], stream: out });
    logger.info('hidden');
    logger.debug('hidden too');
    logger.error('shown');
    await logger.close();
    expect(out.text()).to.match(/ERROR shown\n$/);
    expect(out.text()).not.to.include('hidden');
  });

  it('masks secrets in messages, meta, errors and their causes, on the terminal and in run.log', async () => {
    const out = capture();
    const runLogPath = path.join(dir, 'run.log');
    const secret = 'sw0rdf1sh!';
    const logger = createLogger({ level: 'debug', format: 'json', runLogPath, secrets: [secret], stream: out });
    const err = new Error(`login failed for ${secret}`, { cause: new Error('dsn postgres://u:other-pw@h/db') });
    logger.error(`connect with ${secret} failed`, { err, env: { password: 'inline-pw' } });
    logger.child({ token: 'child-token-value' }).info('with child meta');
    await logger.close();
    const both = out.text() + (await readFile(runLogPath, 'utf8'));
    for (const leaked of [secret, 'other-pw', 'inline-pw', 'child-token-value']) expect(both).not.to.include(leaked);
    const first = JSON.parse(out.text().split('\n')[0]!);
    expect(first.message).to.equal('connect with *** failed');
    expect(first.err.message).to.equal('login failed for ***');
    expect(first.err.cause.message).to.equal('dsn postgres://u:***@h/db');
    expect(first.err.stack).to.include('Error: login failed for ***');
  });
});
