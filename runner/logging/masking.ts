/**
 * Secret masking for everything rsrun writes or ships: log lines, report files, error messages,
 * uploaded objects. Two layers:
 *  - literal values known to be secret (passwords resolved from config, `secret_keys` values,
 *    secrets learned later through `add`), masked in every spelling they can take in text: raw,
 *    JSON-, HTML-, XML- and SQL-escaped, URL-encoded, base64, hex;
 *  - patterns that catch secrets rsrun was never told about: the password of a connection URL,
 *    `password=...`/`"token": "..."` pairs, AWS access key ids, STS session tokens, bearer tokens.
 *
 *   const masker = createMasker(config.secrets);
 *   masker.mask('connect postgres://deployer:hunter22@db:5439/dev');  // 'connect postgres://deployer:***@db:5439/dev'
 */

export const MASK = '***';

/**
 * Literal secrets shorter than this are still masked wherever they appear, but masking every
 * occurrence of a short word ("rsrun") also hides ordinary text, and a short password is weak
 * anyway: the logger warns once about each (see `shortSecrets`).
 */
export const SHORT_SECRET_LENGTH = 8;

/** Encoded forms (hex, base64, URL-encoded) shorter than this are not masked: too likely to match by chance. */
const MIN_ENCODED_LENGTH = 8;

/** Key names whose values are secret, wherever they appear (INI keys, JSON fields, env vars, query strings). */
const SECRET_KEY =
  '[A-Za-z0-9_.-]*(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|access[_-]?key(?![_-]?id)|private[_-]?key|credentials?|signature)';
const SECRET_KEY_RE = new RegExp(`^${SECRET_KEY}$`, 'i');

interface Rule {
  re: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

const RULES: Rule[] = [
  // scheme://user:password@host — the password of any connection URL (postgres, redshift, jdbc:...).
  {
    re: /([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*:)([^\s@/'"]+)(@)/gi,
    replace: (_m, pre, _pw, at) => `${pre}${MASK}${at}`,
  },
  // "password": "value" in JSON, also when that JSON is itself escaped inside a string (\"password\":\"v\").
  {
    re: new RegExp(`((?:\\\\*")${SECRET_KEY}(?:\\\\*")\\s*:\\s*(?:\\\\*"))((?:[^"\\\\]|\\\\(?!"))*)`, 'gi'),
    replace: (_m, pre) => `${pre}${MASK}`,
  },
  // password=value, PGPASSWORD='value', token: value, url ?token=value&... (not JSON: handled above).
  {
    re: new RegExp(`(\\b${SECRET_KEY}\\s*[=:]\\s*)('[^']*'|"[^"]*"|[^\\s&;,'"}\\]\\)]+)`, 'gi'),
    replace: (_m, pre, value: string) => {
      const q = value[0] === "'" || value[0] === '"' ? value[0] : '';
      return `${pre}${q}${MASK}${q}`;
    },
  },
  // SQL: CREATE/ALTER USER name PASSWORD 'value' (a migration may set one; '' escapes a quote).
  { re: /(\bPASSWORD\s+)'(?:[^']|'')*'/gi, replace: (_m, pre) => `${pre}'${MASK}'` },
  // Authorization: Bearer <token> / Basic <credentials>.
  { re: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, replace: (_m, scheme) => `${scheme} ${MASK}` },
  // AWS access key ids (long-term AKIA, temporary ASIA): not secret alone, but half of a pair.
  { re: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, replace: () => MASK },
  // STS session tokens: base64 blobs with these well-known prefixes, hundreds of characters long.
  { re: /(?:FwoGZXIvYXdz|IQoJb3JpZ2lu|IQoJb3JpZ2luX2Vj)[A-Za-z0-9/+=%]{20,}/g, replace: () => MASK },
];

export interface Masker {
  /** The text with every known secret and every secret-looking value replaced by `***`. */
  mask(text: string): string;
  /**
   * A masked deep copy: strings masked, values under secret-looking keys replaced, Errors turned
   * into plain `{ name, message, stack, cause, ...fields }` objects (masked), cycles cut.
   */
  maskDeep<T>(value: T): unknown;
  /** The secret values this masker knows (for composing maskers). */
  readonly secrets: readonly string[];
  /** Adds a secret learned later (a password read from Secrets Manager); masked from then on. */
  add(secret: string): void;
}

/** Every spelling a literal secret can take inside text rsrun writes. */
function spellings(secret: string): string[] {
  // Escaped as text formats escape it: the secret itself is always masked, whatever its length.
  const escaped = new Set<string>([secret]);
  escaped.add(JSON.stringify(secret).slice(1, -1));
  escaped.add(JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1));
  escaped.add(secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'));
  escaped.add(secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;'));
  // Inside a SQL string literal, a quote is doubled.
  escaped.add(secret.replace(/'/g, "''"));
  // Encoded: meaningful only when long enough not to match unrelated text by chance.
  const encoded = new Set<string>();
  encoded.add(encodeURIComponent(secret));
  encoded.add(encodeURIComponent(secret).replace(/%20/g, '+'));
  encoded.add(encodeURI(secret));
  // Lower-case percent escapes are equally valid (%2f).
  encoded.add(encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()));
  const bytes = Buffer.from(secret, 'utf8');
  encoded.add(bytes.toString('base64'));
  encoded.add(bytes.toString('base64url'));
  encoded.add(bytes.toString('hex'));
  encoded.add(bytes.toString('hex').toUpperCase());
  return [...escaped, ...[...encoded].filter((f) => f.length >= MIN_ENCODED_LENGTH)];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createMasker(secrets: readonly string[] = []): Masker {
  const known: string[] = [];
  let literalRe: RegExp | undefined;
  const add = (secret: string): void => {
    if (typeof secret !== 'string' || secret.length === 0 || known.includes(secret)) return;
    known.push(secret);
    // Longest first, so a secret containing another one is masked whole.
    const literals = [...new Set(known.flatMap(spellings))].sort((a, b) => b.length - a.length);
    literalRe = new RegExp(literals.map(escapeRegExp).join('|'), 'g');
  };
  secrets.forEach(add);

  const mask = (text: string): string => {
    let out = literalRe ? text.replace(literalRe, MASK) : text;
    for (const rule of RULES) out = out.replace(rule.re, rule.replace);
    return out;
  };

  const maskDeep = (value: unknown, seen = new WeakMap<object, unknown>()): unknown => {
    if (typeof value === 'string') return mask(value);
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return seen.get(value);
    if (value instanceof Date) return value;
    if (Buffer.isBuffer(value)) return value;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      seen.set(value, out);
      for (const item of value) out.push(maskDeep(item, seen));
      return out;
    }
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    if (value instanceof Error) {
      out.name = value.name;
      out.message = mask(value.message);
      if (value.stack) out.stack = mask(value.stack);
      if (value.cause !== undefined) out.cause = maskDeep(value.cause, seen);
    }
    for (const [key, v] of Object.entries(value)) {
      if (key in out) continue;
      out[key] = SECRET_KEY_RE.test(key) && v !== undefined && v !== null && v !== '' ? MASK : maskDeep(v, seen);
    }
    return out;
  };

  return { mask, maskDeep: (v) => maskDeep(v), secrets: known, add };
}

/** How many of `secrets` are too short to mask safely (they are masked all the same). */
export function shortSecrets(secrets: readonly string[]): number {
  return secrets.filter((s) => s.length < SHORT_SECRET_LENGTH).length;
}

/** True when a config key's value must be treated as secret by name alone (`password`, `api_token`). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY_RE.test(key);
}
