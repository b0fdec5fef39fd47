/** The first keyword of a statement, past comments and opening parentheses, upper-cased ('' if none). */
export function leadingKeyword(sql: string): string {
  const m = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*([A-Za-z_]+)/.exec(sql);
  return m?.[1]?.toUpperCase() ?? '';
}
