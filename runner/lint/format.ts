/**
 * Lint output for people (`file:line: severity RULE message`, as compilers print), for scripts
 * (JSON) and for Jenkins (JUnit XML for the `junit` step).
 *
 * JUnit shape: one <testsuite> per file; each error is a <testcase> with a <failure>, so Jenkins
 * marks the build unstable/failed and lists it; each warning is a <testcase> that is <skipped>
 * with the message, so Jenkins shows it without failing; a file without findings is one passing
 * <testcase>, so the report also shows what was checked.
 */
import { renderJunitXml, type JunitCase, type JunitSuite } from '../reports/junit-xml';
import { RULE_BY_ID } from './rules';
import type { LintFinding } from './types';

export function sortFindings(findings: readonly LintFinding[]): LintFinding[] {
  return [...findings].sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
  );
}

export function countBySeverity(findings: readonly LintFinding[]): { errors: number; warnings: number } {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { errors, warnings: findings.length - errors };
}

export function formatText(findings: readonly LintFinding[], filesChecked: number): string {
  const lines = sortFindings(findings).map((f) => `${f.file}:${f.line}: ${f.severity} ${f.rule} ${f.message}`);
  const { errors, warnings } = countBySeverity(findings);
  lines.push(
    `${filesChecked} file${filesChecked === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
  );
  return `${lines.join('\n')}\n`;
}

export function formatJson(findings: readonly LintFinding[], files: readonly string[]): string {
  return `${JSON.stringify({ files: [...files], ...countBySeverity(findings), findings: sortFindings(findings) }, null, 2)}\n`;
}

export function formatJunit(findings: readonly LintFinding[], files: readonly string[]): string {
  const byFile = new Map<string, LintFinding[]>(files.map((f) => [f, []]));
  for (const f of sortFindings(findings)) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const { errors, warnings } = countBySeverity(findings);
  const suites: JunitSuite[] = [...byFile].map(([file, list]) => {
    const cases: JunitCase[] =
      list.length === 0
        ? [{ attrs: { classname: 'rsrun.lint', name: file, file } }]
        : list.map((f) => ({
            attrs: { classname: `rsrun.lint.${f.rule}`, name: `${f.file}:${f.line} ${f.rule}`, file: f.file },
            result:
              f.severity === 'error'
                ? {
                    kind: 'failure',
                    attrs: { message: f.message, type: f.rule },
                    body: `${f.file}:${f.line}: ${f.severity} ${f.rule} ${f.message}\nrule: ${RULE_BY_ID.get(f.rule)?.source ?? ''}`,
                  }
                : { kind: 'skipped', attrs: { message: `warning ${f.rule}: ${f.message}` } },
          }));
    const failures = list.filter((f) => f.severity === 'error').length;
    return { attrs: { name: `lint ${file}`, tests: cases.length, failures, errors: 0, skipped: list.length - failures }, cases };
  });
  const total = suites.reduce((n, s) => n + s.cases.length, 0);
  return renderJunitXml({ name: 'rsrun lint', tests: total, failures: errors, errors: 0, skipped: warnings }, suites);
}
