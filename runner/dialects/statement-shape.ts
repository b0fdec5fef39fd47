/**
 * The leading keywords of a statement, upper-cased with comments and extra whitespace removed,
 * for classifying statements (non-transactional, implicit commit, lint) without a full parser.
 */
export function statementHead(sql: string, maxChars = 400): string {
  let i = 0;
  const n = sql.length;
  // Skip leading whitespace and comments (nested block comments as PostgreSQL and Redshift allow).
  for (;;) {
    while (i < n && /\s/.test(sql[i] as string)) i++;
    if (sql.startsWith('--', i)) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    if (sql.startsWith('/*', i)) {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (sql.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else i++;
      }
      continue;
    }
    break;
  }
  return sql
    .slice(i, i + maxChars)
    .replace(/\s+/g, ' ')
    .toUpperCase();
}
