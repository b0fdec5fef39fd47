/**
 * Statements that have no meaning on a local single-user warehouse: they are accepted and skipped,
 * each with a printed notice naming the statement, its file and line, and why (issue 12: "accept
 * and skip where the construct has no local meaning").
 *
 * - Access control (r_GRANT, r_REVOKE, r_CREATE_USER, r_ALTER_USER, r_DROP_USER, r_CREATE_GROUP,
 *   r_ALTER_GROUP, r_DROP_GROUP, r_CREATE_ROLE, r_ALTER_ROLE, r_DROP_ROLE,
 *   r_ALTER_DEFAULT_PRIVILEGES, r_SET_SESSION_AUTHORIZATION): users, groups and roles are cluster-wide
 *   objects. Locally there is one user, and on a shared PostgreSQL server creating roles would
 *   need privileges a test database does not have and would leak between databases. Grants to
 *   IAM roles (ASSUMEROLE) and to datashares name things that exist only in AWS.
 * - Row-level security and dynamic data masking (r_CREATE_RLS_POLICY, r_ATTACH_RLS_POLICY,
 *   r_DETACH_RLS_POLICY, r_DROP_RLS_POLICY, r_CREATE_MASKING_POLICY, r_ALTER_MASKING_POLICY,
 *   r_ATTACH_MASKING_POLICY, r_DETACH_MASKING_POLICY, r_DROP_MASKING_POLICY): they filter what
 *   other users see; the local user owns everything.
 * - Datashares and identity providers (r_CREATE_DATASHARE, r_ALTER_DATASHARE, r_DROP_DATASHARE,
 *   r_DESC_DATASHARE, r_CREATE_IDENTITY_PROVIDER, ...): links to other clusters and to AWS.
 * - Python libraries (r_CREATE_LIBRARY, r_DROP_LIBRARY): the local engines run no Python.
 * - Physical maintenance (r_VACUUM_command, r_ANALYZE_COMPRESSION, ANALYZE ... PREDICATE COLUMNS
 *   in r_ANALYZE): they change storage and statistics, never results.
 */
import { matchWords } from '../../sql-tokens';
import type { RewriteContext } from './rewrite-context';

export interface Skip {
  /** What was skipped, e.g. "GRANT". */
  construct: string;
  /** Why it has no local meaning. */
  reason: string;
}

const ACCESS = 'access control is not emulated: the local warehouse has a single user who owns every object';

const OBJECT_WORDS: Array<[string[], string]> = [
  [['USER'], ACCESS],
  [['GROUP'], ACCESS],
  [['ROLE'], ACCESS],
  [['DATASHARE'], 'datashares link clusters; the local warehouse has nothing to share with'],
  [['IDENTITY', 'PROVIDER'], 'identity providers authenticate AWS users, which the local warehouse does not have'],
  [['RLS', 'POLICY'], 'row-level security filters what other users see; locally the single user owns everything'],
  [['MASKING', 'POLICY'], 'dynamic data masking hides values from other users; locally the single user owns everything'],
  [['LIBRARY'], 'Python libraries run in Python UDFs, which the local engines cannot execute'],
];

/** The statement's skip notice when it has no local meaning, else undefined. */
export function withoutLocalMeaning(ctx: RewriteContext): Skip | undefined {
  const ts = ctx.tokens;
  const first = ts[0]?.upper ?? '';
  if (first === 'GRANT' || first === 'REVOKE') return { construct: first, reason: ACCESS };
  if (matchWords(ts, 0, 'ALTER', 'DEFAULT', 'PRIVILEGES')) return { construct: 'ALTER DEFAULT PRIVILEGES', reason: ACCESS };
  if (matchWords(ts, 0, 'SET', 'SESSION', 'AUTHORIZATION') || matchWords(ts, 0, 'RESET', 'SESSION', 'AUTHORIZATION')) {
    return { construct: `${first} SESSION AUTHORIZATION`, reason: ACCESS };
  }
  if (first === 'CREATE' || first === 'ALTER' || first === 'DROP' || first === 'ATTACH' || first === 'DETACH' || first === 'DESC') {
    let k = 1;
    if (ctx.isWord(k, 'OR') && ctx.isWord(k + 1, 'REPLACE')) k += 2;
    if (ctx.isWord(k, 'EXTERNAL') && ctx.isWord(k + 1, 'GROUP')) k++;
    for (const [words, reason] of OBJECT_WORDS) {
      if (matchWords(ts, k, ...words)) return { construct: `${first} ${words.join(' ')}`, reason };
    }
  }
  if (matchWords(ts, 0, 'ALTER', 'TABLE')) {
    const i = ctx.skipName(ctx.isWord(2, 'IF') && ctx.isWord(3, 'EXISTS') ? 4 : 2);
    if (ctx.isWord(i, 'ROW') && ctx.isWord(i + 1, 'LEVEL') && ctx.isWord(i + 2, 'SECURITY')) {
      return { construct: 'ALTER TABLE ... ROW LEVEL SECURITY', reason: OBJECT_WORDS[5]?.[1] as string };
    }
  }
  // ALTER SCHEMA / TABLE / VIEW / PROCEDURE ... OWNER TO user (r_ALTER_SCHEMA, r_ALTER_TABLE, ...):
  // the new owner is a user, which the local warehouse does not have. ALTER SCHEMA ... QUOTA limits
  // disk space (r_ALTER_SCHEMA), which never changes results.
  if (first === 'ALTER' && ts.some((t, i) => t.upper === 'OWNER' && ctx.isWord(i + 1, 'TO'))) {
    return { construct: 'ALTER ... OWNER TO', reason: ACCESS };
  }
  if (matchWords(ts, 0, 'ALTER', 'SCHEMA') && ctx.isWord(ctx.skipName(2), 'QUOTA')) {
    return { construct: 'ALTER SCHEMA ... QUOTA', reason: 'a schema quota limits disk space, which never changes results' };
  }
  if (first === 'VACUUM') return { construct: 'VACUUM', reason: 'VACUUM sorts and reclaims storage, which never changes results' };
  if (
    (first === 'ANALYZE' || first === 'ANALYSE') &&
    (ctx.isWord(1, 'COMPRESSION') || ts.some((t, i) => t.upper === 'COLUMNS' && ctx.isWord(i - 1, 'PREDICATE', 'ALL')))
  ) {
    return { construct: 'ANALYZE', reason: 'compression analysis and column statistics change storage and plans, never results' };
  }
  return undefined;
}
