/**
 * The lint engine: tokenizes each statement once, runs the checks, and applies severities,
 * `-- rsrun:` silencing and the project's `[lint]` settings. Pure: files come in as LintSources.
 */
import { codeTokens, loadSqlTokenizer, tokenizeSql, type SqlToken } from '../dialects/sql-tokens';
import { ConfigError, InputError } from '../errors';
import { scanSql, type SqlStatement } from '../migrations/split-sql';
import { checkLeaderNode } from './checks/leader-node';
import { checkRisky, checkBoundViews, SchemaModel } from './checks/risky';
import { checkTransactions } from './checks/transactions';
import { checkUnsupported } from './checks/unsupported';
import { readDirectives, type FileDirectives } from './directives';
import { RULE_BY_ID } from './rules';
import {
  DEFAULT_LINT_SETTINGS,
  type LintFinding,
  type LintSettings,
  type LintSource,
  type LintSourceKind,
  type StatementView,
} from './types';

/** A LintSource from a SQL file's text (migration or test). */
export function sourceFromText(file: string, kind: LintSourceKind, text: string): LintSource {
  const scanned = scanSql(text, file);
  return { file, kind, statements: scanned.statements, comments: scanned.comments };
}

/**
 * Lints sources in apply order (versioned, then repeatable, then undo, then tests): later
 * migrations are checked against the tables earlier ones created (RS202, RS204).
 */
export async function lintFiles(sources: readonly LintSource[], settings: LintSettings = DEFAULT_LINT_SETTINGS): Promise<LintFinding[]> {
  await loadSqlTokenizer();
  const findings: LintFinding[] = [];
  const model = new SchemaModel();
  const directivesByFile = new Map<string, FileDirectives>();

  const emit = (
    file: string,
    rule: string,
    line: number,
    message: string,
    directives: FileDirectives,
    statementIndex: number | undefined,
  ) => {
    const info = RULE_BY_ID.get(rule);
    if (!info) throw new Error(`lint rule ${rule} is not in the rules table`);
    if (settings.disabled.has(rule) || directives.disabled.has(rule)) return;
    if (statementIndex !== undefined && directives.disabledFor.get(statementIndex)?.has(rule)) return;
    findings.push({ rule, severity: settings.errors.has(rule) ? 'error' : info.severity, file, line, message });
  };

  for (const source of sources) {
    const directives = readDirectives(source.comments, source.statements, source.directives);
    directivesByFile.set(source.file, directives);
    for (const u of directives.unknown)
      emit(
        source.file,
        'RS900',
        u.line,
        `unknown lint rule "${u.id}" in a directive (rules: docs/redshift-rules.md)`,
        directives,
        undefined,
      );
    const noTransaction = directives.names.has('no-transaction');
    const allowDrop = directives.names.has('allow-drop');
    const createdHere: Parameters<typeof checkRisky>[2] = [];
    for (const statement of source.statements) {
      const tokens = tokensOrFinding(statement, source.file, (line, message) =>
        emit(source.file, 'RS000', line, message, directives, statement.index),
      );
      if (tokens.length === 0) continue;
      const view: StatementView = {
        source,
        statement,
        tokens,
        lineOf: (t: SqlToken | undefined) => statement.line + (t ? t.line - 1 : 0),
      };
      const report = (rule: string, at: SqlToken | undefined, message: string) => {
        if (source.kind === 'test' && !RULE_BY_ID.get(rule)?.tests) return;
        emit(source.file, rule, view.lineOf(at), message, directives, statement.index);
      };
      checkUnsupported(view, report);
      checkLeaderNode(view, report);
      checkTransactions(view, noTransaction, report);
      checkRisky(view, model, createdHere, allowDrop, settings, report);
    }
  }
  checkBoundViews(model, (file, line, statementIndex, message) => {
    emit(file, 'RS204', line, message, directivesByFile.get(file) as FileDirectives, statementIndex);
  });
  return dedupe(findings);
}

/**
 * A statement the scanner cannot read (an INI changeset's `1_FULFILLED`; SQL files were lexed whole
 * before) is an RS000 finding at its line in the file, and the other statements are still linted.
 */
function tokensOrFinding(statement: SqlStatement, file: string, finding: (line: number, message: string) => void): SqlToken[] {
  try {
    return codeTokens(tokenizeSql(statement.sql, file));
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    finding(statement.line + (err.line ?? 1) - 1, err.message);
    return [];
  }
}

/** One finding per rule, file and line: a statement may trip a check twice (column and cast). */
function dedupe(findings: LintFinding[]): LintFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.file}\0${f.line}\0${f.rule}\0${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Reads the `[lint]` section of rsrun.ini (kept by loadConfig in `project.extraSections`). */
export function lintSettingsFrom(section: Record<string, string> | undefined): LintSettings {
  if (!section) return DEFAULT_LINT_SETTINGS;
  const flag = (v: string | undefined) => v !== undefined && /^(true|yes|on|1)$/i.test(v.trim());
  for (const key of Object.keys(section)) {
    if (key !== 'disable' && key !== 'require_dist_sort' && key !== 'errors') {
      throw new ConfigError(`unknown option "${key}" in [lint]`, { hint: 'the [lint] options are require_dist_sort, disable and errors' });
    }
  }
  const ruleList = (key: 'disable' | 'errors') => {
    const ids = new Set(
      (section[key] ?? '')
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((s) => s.toUpperCase()),
    );
    for (const id of ids) {
      if (!RULE_BY_ID.has(id))
        throw new ConfigError(`[lint] ${key} names unknown rule "${id}"`, { hint: 'rule ids are listed in docs/redshift-rules.md' });
    }
    return ids;
  };
  return { requireDistSort: flag(section.require_dist_sort), disabled: ruleList('disable'), errors: ruleList('errors') };
}
