/**
 * The parameter lists of COPY (r_COPY, copy-parameters-*) and UNLOAD (r_UNLOAD): `NAME [AS] value`
 * pairs, flags, separated by whitespace or commas. Parsed into a map keyed by upper-case name;
 * what each command does with them lives in copy-from-s3.ts and unload-to-s3.ts.
 */
import type { RewriteContext } from './rewrite-context';
import { stringValue } from './sql-literals';

export interface ParsedOption {
  /** Index of the option's first token, for error locations. */
  at: number;
  /** String/number/word argument, when the option takes one. */
  value: string | undefined;
}

/** Options taking one argument (string, number or word), possibly after AS. */
const WITH_VALUE = new Set([
  'IAM_ROLE',
  'CREDENTIALS',
  'ACCESS_KEY_ID',
  'SECRET_ACCESS_KEY',
  'SESSION_TOKEN',
  'MASTER_SYMMETRIC_KEY',
  'REGION',
  'DELIMITER',
  'IGNOREHEADER',
  'NULL',
  'DATEFORMAT',
  'TIMEFORMAT',
  'MAXERROR',
  'QUOTE',
  'COMPROWS',
  'READRATIO',
  'ENCODING',
  'EXTENSION',
  'FIXEDWIDTH',
  'KMS_KEY_ID',
  'ROWGROUPSIZE',
  'JSON',
  'AVRO',
]);
/** Options whose argument is optional. */
const OPTIONAL_VALUE = new Set(['ACCEPTINVCHARS', 'COMPUPDATE', 'STATUPDATE', 'PARALLEL', 'JSON', 'AVRO', 'MANIFEST']);

export function parseOptions(ctx: RewriteContext, from: number): Map<string, ParsedOption> {
  const options = new Map<string, ParsedOption>();
  let i = from;
  while (i < ctx.tokens.length) {
    const t = ctx.tok(i);
    if (!t) break;
    if (t.kind === 'punct' && t.text === ',') {
      i++;
      continue;
    }
    if (t.kind !== 'word') throw ctx.invalid(i, `unexpected "${t.text}" in the parameter list`, 'see r_COPY / r_UNLOAD for the parameters');
    let name = t.upper;
    const at = i;
    i++;
    if (name === 'FORMAT') {
      if (ctx.isWord(i, 'AS')) i++;
      const f = ctx.tok(i);
      if (!f || f.kind !== 'word') throw ctx.invalid(at, 'FORMAT needs a data format', 'write FORMAT AS CSV');
      name = f.upper;
      i++;
    }
    let value: string | undefined;
    const takesValue = WITH_VALUE.has(name);
    if (takesValue || OPTIONAL_VALUE.has(name)) {
      let j = i;
      if (ctx.isWord(j, 'AS')) j++;
      const v = ctx.tok(j);
      const isValue = v !== undefined && (v.kind === 'string' || v.kind === 'number' || (v.kind === 'word' && isWordValue(name, v.upper)));
      if (isValue) {
        value = v.kind === 'string' ? stringValue(v) : v.kind === 'number' ? v.text : v.upper;
        i = j + 1;
      } else if (takesValue && !OPTIONAL_VALUE.has(name)) {
        throw ctx.invalid(at, `${name} needs a value`, `see the ${name} parameter in r_COPY / r_UNLOAD`);
      }
    }
    if (name === 'MAXFILESIZE') {
      if (ctx.isWord(i, 'AS')) i++;
      i++;
      if (ctx.isWord(i, 'MB', 'GB')) i++;
    }
    options.set(name, { at, value });
  }
  return options;
}

function isWordValue(option: string, word: string): boolean {
  switch (option) {
    case 'IAM_ROLE':
      return word === 'DEFAULT';
    case 'COMPUPDATE':
      return ['ON', 'OFF', 'TRUE', 'FALSE', 'PRESET'].includes(word);
    case 'STATUPDATE':
    case 'PARALLEL':
      return ['ON', 'OFF', 'TRUE', 'FALSE'].includes(word);
    case 'MANIFEST':
      return word === 'VERBOSE';
    case 'ENCODING':
      return true;
    default:
      return false;
  }
}

/** Fails with a clear message for each option in `names` that is present. */
export function rejectOptions(ctx: RewriteContext, options: Map<string, ParsedOption>, names: Record<string, string>): void {
  for (const [name, hint] of Object.entries(names)) {
    const o = options.get(name);
    if (o) throw ctx.unsupported(o.at, `the ${name} parameter`, hint);
  }
}

/** A single-character option value (DELIMITER, QUOTE). */
export function singleChar(ctx: RewriteContext, options: Map<string, ParsedOption>, name: string, fallback: string): string {
  const o = options.get(name);
  if (!o || o.value === undefined) return fallback;
  // Redshift reads '\t' and octal '\011' in these values as the character (r_COPY DELIMITER).
  const escaped = /^\\([0-7]{3})$/.exec(o.value);
  if (escaped) return String.fromCharCode(parseInt(escaped[1] as string, 8));
  if (o.value === '\\t') return '\t';
  if (o.value.length !== 1) throw ctx.unsupported(o.at, `a multi-character ${name}`, `use a single-character ${name}`);
  return o.value;
}
