/**
 * junit.xml for Jenkins' `junit` step: one <testsuite> per test file/INI suite, <failure>/<error>
 * with the message and expected-vs-actual tables, the SQL in <system-out>. Checked in the tests
 * against the JUnit schema of Jenkins' xUnit plugin (test/fixtures/junit-10.xsd).
 */
import os from 'node:os';
import type { TestOutcome } from '../events';
import type { RunReport } from '../run/run-report';
import { renderJunitXml, type JunitCase } from './junit-xml';
import { formatTable } from './text-table';

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

function testcase(t: TestOutcome): JunitCase {
  const message = (t.message ?? '').split('\n')[0];
  const result: JunitCase['result'] =
    t.status === 'failed'
      ? { kind: 'failure', attrs: { type: 'AssertionFailure', message }, body: detail(t) }
      : t.status === 'error'
        ? { kind: 'error', attrs: { type: 'SqlError', message }, body: detail(t) }
        : t.status === 'skipped'
          ? { kind: 'skipped', attrs: { message: t.message } }
          : undefined;
  return {
    attrs: { name: t.name, classname: junitClassName(t.suite), time: seconds(t.durationMs) },
    ...(result ? { result } : {}),
    ...(t.sql ? { systemOut: t.sql } : {}),
    ...(t.isolationBroken ? { systemErr: 'isolation broken: this test changed data that was not rolled back' } : {}),
  };
}

export function renderJunit(report: RunReport, hostname = os.hostname()): string {
  const suites = new Map<string, TestOutcome[]>();
  for (const t of report.tests) suites.set(t.suite, [...(suites.get(t.suite) ?? []), t]);
  const count = (ts: TestOutcome[], s: TestOutcome['status']) => ts.filter((t) => t.status === s).length;
  const properties = [
    ['rsrun.run_id', report.runId],
    ['rsrun.environment', report.environment],
    ...(report.build.commit ? [['git.commit', report.build.commit]] : []),
    ...(report.build.number ? [['build.number', report.build.number]] : []),
  ] as [string, string][];
  const s = report.summary;
  return renderJunitXml(
    { name: `rsrun ${report.project} ${report.environment}`, tests: s.total, failures: s.failed, errors: s.errors, time: seconds(report.durationMs) },
    [...suites.entries()].map(([name, ts], i) => ({
      attrs: {
        name,
        id: i,
        package: report.project,
        tests: ts.length,
        failures: count(ts, 'failed'),
        errors: count(ts, 'error'),
        skipped: count(ts, 'skipped'),
        time: seconds(ts.reduce((a, t) => a + t.durationMs, 0)),
        timestamp: report.startedAt.replace(/\.\d+Z$/, ''),
        hostname,
        file: ts[0]?.file,
      },
      properties,
      cases: ts.map(testcase),
    })),
  );
}
