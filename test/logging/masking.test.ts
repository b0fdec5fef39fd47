import { expect } from 'chai';
import { createMasker, isSecretKey, MASK } from '../../runner/logging/masking';
import { ConnectionError, MigrationError } from '../../runner/errors';

describe('secret masking', () => {
  const password = 'Pa55:w/rd "q"&x=y';
  const masker = createMasker([password, 'tok-5e3c7a9b']);

  const expectClean = (text: string) => {
    expect(text).not.to.include('Pa55');
    expect(text).not.to.include('5e3c7a9b');
  };

  it('masks a known secret in plain text, JSON-escaped, double-escaped, URL-encoded and base64 forms', () => {
    const forms = [
      `connect failed with ${password} for user`,
      JSON.stringify({ note: `pw is ${password}` }),
      JSON.stringify(JSON.stringify({ note: `pw is ${password}` })),
      `https://x/?p=${encodeURIComponent(password)}`,
      `form: p=${encodeURIComponent(password).replace(/%20/g, '+')}`,
      `lower: ${encodeURIComponent(password).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())}`,
      `b64: ${Buffer.from(password).toString('base64')}`,
      'header Authorization: tok-5e3c7a9b',
    ];
    for (const f of forms) {
      const masked = masker.mask(f);
      expectClean(masked);
      expect(masked).to.include(MASK);
    }
  });

  it('masks the password of connection URLs it was never told about, keeping user and host', () => {
    const out = createMasker().mask(
      'cannot reach postgres://deployer:s3cr3t!@warehouse.example.com:5439/dev (timeout); also jdbc:redshift://u:pw2@h/db',
    );
    expect(out).to.equal('cannot reach postgres://deployer:***@warehouse.example.com:5439/dev (timeout); also jdbc:redshift://u:***@h/db');
  });

  it('masks password=, token:, PGPASSWORD= pairs in libpq strings, env dumps, query strings and COPY credentials', () => {
    const m = createMasker();
    expect(m.mask('host=h port=5439 password=hunter22 dbname=dev')).to.equal('host=h port=5439 password=*** dbname=dev');
    expect(m.mask("PGPASSWORD='abc def' psql")).to.equal("PGPASSWORD='***' psql");
    expect(m.mask('GET /x?user=a&api_key=zzz999&y=1')).to.equal('GET /x?user=a&api_key=***&y=1');
    expect(
      m.mask("CREDENTIALS 'aws_access_key_id=AKIAABCDEFGHIJKLMNOP;aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'"),
    ).to.equal("CREDENTIALS 'aws_access_key_id=***;aws_secret_access_key=***'");
    expect(m.mask('AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ')).to.equal('AWS_SESSION_TOKEN=***');
  });

  it('masks secret fields of JSON text, also when that JSON is escaped inside another string', () => {
    const m = createMasker();
    const inner = JSON.stringify({ host: 'h', password: 'zz-top-99', SecretAccessKey: 'abc/def+ghi' });
    expect(m.mask(inner)).to.equal('{"host":"h","password":"***","SecretAccessKey":"***"}');
    const outer = JSON.stringify({ log: inner });
    const masked = m.mask(outer);
    expect(masked).not.to.include('zz-top-99');
    expect(masked).not.to.include('abc/def+ghi');
    expect(JSON.parse(JSON.parse(masked).log)).to.deep.equal({ host: 'h', password: '***', SecretAccessKey: '***' });
  });

  it('masks a password set by SQL inside a server error message', () => {
    const m = createMasker();
    const err = `ERROR:  syntax error at or near "PASSWRD" LINE 1: CREATE USER etl PASSWORD 'It''s-Secret1' VALID UNTIL`;
    const out = m.mask(err);
    expect(out).not.to.include('Secret1');
    expect(out).to.include("PASSWORD '***'");
  });

  it('masks STS session tokens, access key ids and bearer tokens without a key name', () => {
    const m = createMasker();
    const token = 'FwoGZXIvYXdzEBYaDH' + 'A'.repeat(200);
    expect(m.mask(`using ${token} now`)).to.equal('using *** now');
    expect(m.mask('key ASIAQWERTYUIOPASDFGH expired')).to.equal('key *** expired');
    expect(m.mask('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc')).to.equal('Authorization: Bearer ***');
  });

  it('leaves ordinary text alone: commit hashes, checksums, SQL without secrets', () => {
    const m = createMasker(['zq9-Unrelated']);
    const text =
      'commit 3f9a1c0e5b7d2a4c6e8f0a1b3c5d7e9f1a2b3c4d sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 SELECT a, b FROM tab';
    expect(m.mask(text)).to.equal(text);
  });

  it('maskDeep masks nested objects, secret-named keys, Error messages, stacks and causes, and survives cycles', () => {
    const cause = new Error(`password authentication failed: ${password}`);
    const err = new ConnectionError('cannot connect to postgres://u:pw-in-url@h/db', { cause, hint: `check ${password}` });
    const obj: Record<string, unknown> = {
      env: { name: 'prod', password: 'whatever-it-is', nested: [{ dbPassword: 'x1x1x1' }, `url postgres://a:b12345@h`] },
      err,
      when: new Date(0),
    };
    obj.self = obj;
    const out = masker.maskDeep(obj) as any;
    const text = JSON.stringify({ ...out, self: undefined });
    expectClean(text);
    expect(text).not.to.include('whatever-it-is');
    expect(text).not.to.include('x1x1x1');
    expect(text).not.to.include('pw-in-url');
    expect(text).not.to.include('b12345');
    expect(out.env.password).to.equal(MASK);
    expect(out.err.name).to.equal('ConnectionError');
    expect(out.err.message).to.equal('cannot connect to postgres://u:***@h/db');
    expect(out.err.stack).to.include('ConnectionError: cannot connect to postgres://u:***@h/db');
    expect(out.err.cause.message).to.equal('password authentication failed: ***');
    expect(out.err.hint).to.equal('check ***');
    expect(out.err.exitCode).to.equal(5);
    expect(out.self).to.equal(out);
    expect(out.when).to.be.instanceOf(Date);
  });

  it('masks a MigrationError carrying a failing statement with an inline secret', () => {
    const m = createMasker(['Tr0ub4dor&3']);
    const e = new MigrationError(`statement 2 failed: ALTER USER app PASSWORD 'Tr0ub4dor&3'`, {
      version: '3',
      file: 'V3__users.sql',
      line: 7,
    });
    const out = m.maskDeep(e) as any;
    expect(JSON.stringify(out)).not.to.include('Tr0ub4dor');
    expect(out.file).to.equal('V3__users.sql');
    expect(out.line).to.equal(7);
  });

  it('masks a very short secret all the same, but not its short encodings that would match by chance', () => {
    const m = createMasker(['ab']);
    expect(m.mask('SELECT a, b FROM tab')).to.equal('SELECT a, b FROM t***');
    // hex of "ab" is 6162: too short to mask inside unrelated hex text.
    expect(m.mask('sha 6162ffee')).to.equal('sha 6162ffee');
  });

  it('masks hex, base64url, HTML/XML-escaped and SQL-quoted forms of a secret', () => {
    const secret = 'p<a>ss&\'wo"rd';
    const m = createMasker([secret]);
    const forms = [
      Buffer.from(secret).toString('hex'),
      Buffer.from(secret).toString('hex').toUpperCase(),
      Buffer.from(secret).toString('base64url'),
      secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
      secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;'),
      secret.replace(/'/g, "''"),
    ];
    for (const f of forms) expect(m.mask(`[${f}]`), f).to.equal('[***]');
  });

  it('masks a secret added after the masker was created', () => {
    const m = createMasker([]);
    expect(m.mask('pw Late-Secret-77')).to.equal('pw Late-Secret-77');
    m.add('Late-Secret-77');
    expect(m.mask('pw Late-Secret-77')).to.equal('pw ***');
    expect(m.secrets).to.deep.equal(['Late-Secret-77']);
  });

  it('recognises secret key names', () => {
    for (const k of [
      'password',
      'DWH_DB_PASSWORD',
      'aws_secret_access_key',
      'sessionToken',
      'api-key',
      'private_key',
      'X-Amz-Security-Token',
    ]) {
      expect(isSecretKey(k), k).to.equal(true);
    }
    for (const k of ['user', 'host', 'aws_access_key_id', 'secret_keys', 'tokenizer', 'passwordless_mode']) {
      expect(isSecretKey(k), k).to.equal(false);
    }
  });
});
