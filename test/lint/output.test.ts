import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { formatJson, formatJunit, formatText } from '../../runner/lint/format';
import type { LintFinding } from '../../runner/lint/types';

const findings: LintFinding[] = [
  { rule: 'RS103', severity: 'warning', file: 'migrations/V2__b.sql', line: 3, message: "TRUNCATE commits the migration's transaction" },
  {
    rule: 'RS009',
    severity: 'error',
    file: 'migrations/V1__a.sql',
    line: 7,
    message: 'data type json is not supported <on> Redshift & "friends"',
  },
];
const files = ['migrations/V1__a.sql', 'migrations/V2__b.sql', 'tests/clean.sql'];

describe('lint output', () => {
  it('text: file:line: severity RULE message, sorted, with a summary line', () => {
    expect(formatText(findings, files.length).split('\n')).to.deep.equal([
      'migrations/V1__a.sql:7: error RS009 data type json is not supported <on> Redshift & "friends"',
      "migrations/V2__b.sql:3: warning RS103 TRUNCATE commits the migration's transaction",
      '3 files checked: 1 error, 1 warning',
      '',
    ]);
  });

  it('json: counts and findings', () => {
    const doc = JSON.parse(formatJson(findings, files));
    expect(doc.errors).to.equal(1);
    expect(doc.warnings).to.equal(1);
    expect(doc.files).to.deep.equal(files);
    expect(doc.findings[0]).to.deep.equal(findings[1]);
  });

  it('junit: valid against the JUnit schema Jenkins reads; errors fail, warnings are skipped, clean files pass', async () => {
    const xml = formatJunit(findings, files);
    const schema = await readFile(path.join(__dirname, 'fixtures', 'junit.xsd'), 'utf8');
    const result = await validateXML({
      xml: [{ fileName: 'lint.xml', contents: xml }],
      schema: [{ fileName: 'junit.xsd', contents: schema }],
    });
    expect(result.errors, JSON.stringify(result.errors)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
    expect(xml).to.match(/<testsuites name="rsrun lint" tests="3" failures="1" errors="0" skipped="1">/);
    expect(xml).to.contain(
      '<failure message="data type json is not supported &lt;on&gt; Redshift &amp; &quot;friends&quot;" type="RS009">',
    );
    expect(xml).to.contain('<skipped message="warning RS103: TRUNCATE commits the migration\'s transaction"/>');
    expect(xml).to.contain('<testcase classname="rsrun.lint" name="tests/clean.sql" file="tests/clean.sql"/>');
  });

  it('junit: a broken document fails the schema check (the check can fail)', async () => {
    const schema = await readFile(path.join(__dirname, 'fixtures', 'junit.xsd'), 'utf8');
    const bad = formatJunit(findings, files).replace('<testsuite name=', '<testsuite nam=');
    const result = await validateXML({
      xml: [{ fileName: 'lint.xml', contents: bad }],
      schema: [{ fileName: 'junit.xsd', contents: schema }],
    });
    expect(result.valid).to.equal(false);
  });
});
