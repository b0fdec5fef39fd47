/**
 * Secret masking for everything rsrun writes or ships: log lines, report files, error messages,
 * uploaded objects. Two layers:
 *  - literal values known to be secret (passwords resolved from config, `secret_keys` values),
 *    masked in every spelling they can take in text: raw, JSON-escaped, URL-encoded;
 *  - patterns that catch secrets rsrun was never told about: the password of a connection URL,
 *    `password=...`/`"token": "..."` pairs, AWS access key ids, STS session tokens, bearer tokens.
 *
 *   const masker = createMasker(config.secrets);
 *   masker.mask('connect postgres://deployer:hunter22@db:5439/dev');  // 'connect postgres://deployer:***@db:5439/dev'
 */

export const MASK = '***';

/**
 * Literal secrets shorter than this are masked only where a pattern shows they are secret
 * (`password=ab`): masking every "ab" in a log would make it unreadable without protecting much.
 */
export const MIN_LITERAL_LENGTH = 4;

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
}

/** Every spelling a literal secret can take inside text rsrun writes. */
function spellings(secret: string): string[] {
  const forms = new Set<string>([secret]);
  forms.add(JSON.stringify(secret).slice(1, -1));
  forms.add(JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1));
  forms.add(encodeURIComponent(secret));
  forms.add(encodeURIComponent(secret).replace(/%20/g, '+'));
  forms.add(encodeURI(secret));
  // Lower-case percent escapes are equally valid (%2f).
  forms.add(encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()));
  forms.add(Buffer.from(secret, 'utf8').toString('base64'));
  return [...forms].filter((f) => f.length >= MIN_LITERAL_LENGTH);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createMasker(secrets: readonly string[] = []): Masker {
  const known = [...new Set(secrets.filter((s) => typeof s === 'string' && s.length > 0))];
  // Longest first, so a secret containing another one is masked whole.
  const literals = [...new Set(known.flatMap(spellings))].sort((a, b) => b.length - a.length);
  const literalRe = literals.length > 0 ? new RegExp(literals.map(escapeRegExp).join('|'), 'g') : undefined;

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

  return { mask, maskDeep: (v) => maskDeep(v), secrets: known };
}

/** True when a config key's value must be treated as secret by name alone (`password`, `api_token`). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY_RE.test(key);
}
