/**
 * junit.xml for Jenkins' `junit` step: one <testsuite> per test file/INI suite, <failure>/<error>
 * with the message and expected-vs-actual tables, the SQL in <system-out>. Checked in the tests
 * against the JUnit schema of Jenkins' xUnit plugin (test/fixtures/junit-10.xsd).
 */
import os from 'node:os';
import type { TestOutcome } from '../events';
import type { RunReport } from '../run/run-report';
import { formatTable } from './text-table';

// Characters XML 1.0 cannot carry at all (control characters other than tab, LF, CR).
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlEscape(text: string): string {
  return text
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const attrs = (a: Record<string, string | number | undefined>) =>
  Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** Jenkins splits `classname` at its last dot into package and class: keep file names whole. */
export const junitClassName = (suite: string) => suite.replace(/\./g, '_');

function detail(t: TestOutcome): string {
  const parts = [t.message ?? ''];
  if (t.expected) parts.push(`expected:\n${formatTable(t.expected)}`);
  if (t.actual) parts.push(`actual:\n${formatTable(t.actual)}`);
  parts.push(`at ${t.file}${t.line ? `:${t.line}` : ''}`);
  return parts.filter(Boolean).join('\n\n');
}

function testcase(t: TestOutcome): string {
  const head = `    <testcase${attrs({ name: t.name, classname: junitClassName(t.suite), time: seconds(t.durationMs) })}>`;
  const body: string[] = [];
  const firstLine = (t.message ?? '').split('\n')[0];
  if (t.status === 'failed') body.push(`      <failure${attrs({ type: 'AssertionFailure', message: firstLine })}>${xmlEscape(detail(t))}</failure>`);
  if (t.status === 'error') body.push(`      <error${attrs({ type: 'SqlError', message: firstLine })}>${xmlEscape(detail(t))}</error>`);
  if (t.status === 'skipped') body.push(`      <skipped${attrs({ message: t.message })}/>`);
  if (t.sql) body.push(`      <system-out>${xmlEscape(t.sql)}</system-out>`);
  if (t.isolationBroken) body.push(`      <system-err>${xmlEscape('isolation broken: this test changed data that was not rolled back')}</system-err>`);
  return body.length ? `${head}\n${body.join('\n')}\n    </testcase>` : head.replace(/>$/, '/>');
}

export function renderJunit(report: RunReport, hostname = os.hostname()): string {
  const suites = new Map<string, TestOutcome[]>();
  for (const t of report.tests) suites.set(t.suite, [...(suites.get(t.suite) ?? []), t]);
  const count = (ts: TestOutcome[], s: TestOutcome['status']) => ts.filter((t) => t.status === s).length;
  const sum = (ts: TestOutcome[]) => ts.reduce((a, t) => a + t.durationMs, 0);
  const blocks = [...suites.entries()].map(([name, ts], i) => {
    const open = `  <testsuite${attrs({
      name,
      id: i,
      package: report.project,
      tests: ts.length,
      failures: count(ts, 'failed'),
      errors: count(ts, 'error'),
      skipped: count(ts, 'skipped'),
      time: seconds(sum(ts)),
      timestamp: report.startedAt.replace(/\.\d+Z$/, ''),
      hostname,
      file: ts[0]?.file,
    })}>`;
    const props = [
      ['rsrun.run_id', report.runId],
      ['rsrun.environment', report.environment],
      ...(report.build.commit ? [['git.commit', report.build.commit]] : []),
      ...(report.build.number ? [['build.number', report.build.number]] : []),
    ].map(([k, v]) => `      <property${attrs({ name: k, value: v })}/>`);
    return [open, '    <properties>', ...props.map((p) => p.slice(2)), '    </properties>', ...ts.map(testcase), '  </testsuite>'].join('\n');
  });
  const s = report.summary;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: `rsrun ${report.project} ${report.environment}`, tests: s.total, failures: s.failed, errors: s.errors, time: seconds(report.durationMs) })}>`,
    ...blocks,
    '</testsuites>',
    '',
  ].join('\n');
}
