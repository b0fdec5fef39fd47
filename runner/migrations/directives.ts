/**
 * The one reader of `-- rsrun:NAME arguments` directive comments, for migrations
 * (`no-transaction`), SQL tests (`test`, `expect`, ...) and the lint (`lint-disable`, ...). It
 * only splits a comment into name and arguments; each caller knows which names it accepts and
 * says so for the ones it does not.
 */
import type { SqlComment } from './split-sql';

export const DIRECTIVE_PREFIX = 'rsrun:';

export interface Directive {
  /** Lower-cased; empty when `rsrun:` is not followed by a name. */
  name: string;
  /** The rest of the comment, trimmed. */
  args: string;
  line: number;
}

const NAME = /^[A-Za-z][A-Za-z0-9-]*/;

/** The directive a comment holds, or undefined when it is an ordinary comment. */
export function readDirective(comment: Pick<SqlComment, 'text' | 'line'>): Directive | undefined {
  if (!comment.text.startsWith(DIRECTIVE_PREFIX)) return undefined;
  const body = comment.text.slice(DIRECTIVE_PREFIX.length).trim();
  const name = NAME.exec(body)?.[0] ?? '';
  return { name: name.toLowerCase(), args: body.slice(name.length).trim(), line: comment.line };
}
