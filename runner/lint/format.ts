/**
 * Lint output for people (`file:line: severity RULE message`, as compilers print), for scripts
 * (JSON) and for Jenkins (JUnit XML for the `junit` step).
 *
 * JUnit shape: one <testsuite> per file; each error is a <testcase> with a <failure>, so Jenkins
 * marks the build unstable/failed and lists it; each warning is a <testcase> that is <skipped>
 * with the message, so Jenkins shows it without failing; a file without findings is one passing
 * <testcase>, so the report also shows what was checked.
 */
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
  for (const f of sortFindings(findings)) {
    const list = byFile.get(f.file) ?? [];
    list.push(f);
    byFile.set(f.file, list);
  }
  const { errors, warnings } = countBySeverity(findings);
  const suites: string[] = [];
  let total = 0;
  for (const [file, list] of byFile) {
    const cases =
      list.length === 0
        ? [`    <testcase classname="rsrun.lint" name="${xml(file)}" file="${xml(file)}"/>`]
        : list.map((f) => {
            const name = xml(`${f.file}:${f.line} ${f.rule}`);
            const text = xml(`${f.file}:${f.line}: ${f.severity} ${f.rule} ${f.message}\nrule: ${RULE_BY_ID.get(f.rule)?.source ?? ''}`);
            const body =
              f.severity === 'error'
                ? `<failure message="${xml(f.message)}" type="${f.rule}">${text}</failure>`
                : `<skipped message="${xml(`warning ${f.rule}: ${f.message}`)}"/>`;
            return `    <testcase classname="rsrun.lint.${xml(f.rule)}" name="${name}" file="${xml(f.file)}">${body}</testcase>`;
          });
    const failures = list.filter((f) => f.severity === 'error').length;
    total += cases.length;
    suites.push(
      `  <testsuite name="lint ${xml(file)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${list.length - failures}">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="rsrun lint" tests="${total}" failures="${errors}" errors="0" skipped="${warnings}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** XML text/attribute escaping; drops characters XML 1.0 cannot carry. */
function xml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
