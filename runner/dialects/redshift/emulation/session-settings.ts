/**
 * SET / RESET of Redshift's configuration parameters (cm_chap_ConfigurationRef, r_SET, r_RESET).
 *
 * PostgreSQL knows datestyle, extra_float_digits, search_path, statement_timeout and timezone:
 * those pass through. The Redshift-only ones are kept as PostgreSQL placeholder settings
 * (`rsrun_redshift.<name>`), so a session may set and reset them as on a cluster; the ones that
 * would change results without being emulated say so in a notice.
 *
 * enable_case_sensitive_identifier is emulated (r_enable_case_sensitive_identifier): while it is
 * false, the default, Redshift folds even "quoted" identifiers to lower case, so
 * `CREATE TABLE "MixedCasedTable2"` creates mixedcasedtable2. The rewriter keeps the setting
 * in the order statements are rewritten, which is the order a migration or a test runs them.
 */
import { lexSql } from '../../sql-lexer';
import type { RewriteContext } from './rewrite-context';
import type { Skip } from './local-scope';

const POSTGRES_KNOWS = new Set(['datestyle', 'extra_float_digits', 'search_path', 'statement_timeout', 'timezone']);

/** Redshift parameters that only tune performance, logging or workload management. */
const NO_OBSERVABLE_EFFECT = new Set([
  'analyze_threshold_percent',
  'enable_result_cache_for_session',
  'enable_vacuum_boost',
  'max_concurrency_scaling_clusters',
  'max_cursor_result_set_size',
  'mv_enable_aqmv_for_session',
  'query_group',
  'spectrum_query_maxerror',
  'stored_proc_log_min_messages',
  'use_fips_ssl',
  'wlm_query_slot_count',
]);

/** The other Redshift parameters: accepted, but their effect on results is not emulated. */
const NOT_EMULATED = new Set([
  'cast_super_null_on_error',
  'default_geometry_encoding',
  'describe_field_name_in_uppercase',
  'enable_case_sensitive_super_attribute',
  'enable_numeric_rounding',
  'error_on_nondeterministic_update',
  'json_parse_dedupe_duplicates',
  'json_serialization_max_length',
  'json_serialization_parse_nested_strings',
  'navigate_super_null_on_error',
  'parse_super_null_on_error',
]);

const CASE_SENSITIVE = 'enable_case_sensitive_identifier';

export class SessionSettings {
  /** enable_case_sensitive_identifier. */
  caseSensitiveIdentifiers = false;

  /**
   * Rewrites a SET/RESET of a Redshift-only parameter; returns undefined for other statements
   * (PostgreSQL's own parameters included), or the replacement SQL and an optional notice.
   */
  rewrite(ctx: RewriteContext): { sql: string; notice?: Skip } | undefined {
    const set = ctx.isWord(0, 'SET');
    if (!set && !ctx.isWord(0, 'RESET')) return undefined;
    let k = 1;
    if (set && ctx.isWord(k, 'SESSION', 'LOCAL') && !ctx.isWord(k + 1, 'AUTHORIZATION', 'CHARACTERISTICS')) k++;
    const nameToken = ctx.tok(k);
    if (!nameToken || nameToken.kind !== 'word') return undefined;
    const name = nameToken.text.toLowerCase();
    if (!set && name === 'all') {
      this.caseSensitiveIdentifiers = false;
      return undefined;
    }
    if (POSTGRES_KNOWS.has(name) || !(name === CASE_SENSITIVE || NO_OBSERVABLE_EFFECT.has(name) || NOT_EMULATED.has(name)))
      return undefined;
    const placeholder = `rsrun_redshift.${name}`;
    let value = 'DEFAULT';
    if (set) {
      let v = k + 1;
      if (ctx.isWord(v, 'TO') || ctx.isSymbol(v, '=')) v++;
      value = ctx.text(v, ctx.tokens.length - 1);
    }
    if (name === CASE_SENSITIVE) this.caseSensitiveIdentifiers = set && /^'?(true|on|1|yes)'?$/i.test(value.trim());
    const quoted = value === 'DEFAULT' || /^'.*'$/s.test(value) ? value : `'${value.replace(/'/g, "''")}'`;
    const sql = set ? `SET ${ctx.text(1, k - 1)}${k > 1 ? ' ' : ''}${placeholder} TO ${quoted}` : `RESET ${placeholder}`;
    const notice = NOT_EMULATED.has(name)
      ? {
          construct: `${set ? 'SET' : 'RESET'} ${name}`,
          reason: 'the setting is kept for the session, but its effect is not emulated locally',
        }
      : undefined;
    return notice ? { sql, notice } : { sql };
  }

  /**
   * The statement with "Quoted" identifiers folded to lower case, unless
   * enable_case_sensitive_identifier is on. Lines and lexemes stay where they were.
   */
  foldIdentifiers(sql: string, file: string): string {
    if (this.caseSensitiveIdentifiers || !sql.includes('"')) return sql;
    let out = '';
    let copied = 0;
    lexSql(sql, file, (kind, start, end) => {
      if (kind !== 'quoted-ident') return;
      const folded = sql.slice(start, end).toLowerCase();
      if (folded === sql.slice(start, end)) return;
      out += sql.slice(copied, start) + folded;
      copied = end;
    });
    return copied === 0 ? sql : out + sql.slice(copied);
  }
}
