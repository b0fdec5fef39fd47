/**
 * The one INI reader, with line numbers kept, in two dialects:
 *
 * - `configparser`: exactly what Python's `configparser.ConfigParser(interpolation=None)` gives,
 *   for the seed sample's files (changeset INI files, `test_cases.ini`, `dw_config.ini`), which its
 *   Python reads that way. A port of `RawConfigParser._read` (CPython 3.11): `=` and `:` both
 *   separate key and value, `#`/`;` start a comment only as a line's first non-blank character (a
 *   `;` inside SQL stays), values continue on lines indented deeper than their key (blank lines
 *   inside kept), keys lower-cased, `[DEFAULT]` keys inherited by every section, a duplicate section
 *   or key an error. test/config/ini-configparser.test.ts compares it with python3 itself.
 * - `rsrun`: rsrun.ini's documented rules on the same structure: `key = value` only, a `;` or `#`
 *   ends the value (write `\;`, or quote the value, to keep one), `"..."` values are unquoted, no
 *   `[DEFAULT]` inheritance, keys lower-cased.
 *
 * Why not a package: `ini` cuts values at `;` and cannot continue lines; the npm `configparser`
 * package drops line numbers; config-ini-parser is GPL-3.0, which this Apache-2.0 project cannot ship.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors';

export type IniDialect = 'configparser' | 'rsrun';

export interface IniEntry {
  /** Lower-cased, as configparser's `optionxform` does. */
  key: string;
  value: string;
  /** Line of `key = ...`. */
  line: number;
  /** Last line the value continues on (= `line` for one-line values). */
  lastLine: number;
}

export interface IniSection {
  /** As written between the brackets (configparser keeps case and inner blanks). */
  name: string;
  line: number;
  /** In file order; for configparser, `[DEFAULT]` entries the section does not override come first. */
  entries: IniEntry[];
}

export interface IniDocument {
  file: string;
  sections: IniSection[];
  /** configparser's `[DEFAULT]` section (already merged into every section), when present. */
  defaults: IniSection | undefined;
}

export async function readIniFile(file: string, dialect: IniDialect): Promise<IniDocument> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new ConfigError(`cannot read ${file}`, { file, cause: err, hint: 'check the path and permissions' });
  }
  return parseIni(decodeUtf8(bytes, file), file, dialect);
}

/** UTF-8 text of a file, refusing invalid bytes (Python's default decoding would raise on them too). */
export function decodeUtf8(bytes: Buffer, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    // The line of the first bad byte, so the user can find it.
    const line = (new TextDecoder('utf-8').decode(bytes).split('\ufffd')[0] ?? '').split('\n').length;
    throw new ConfigError('file is not valid UTF-8', { file, line, cause: err, hint: 'save the file as UTF-8' });
  }
}

/** Python's `str.isspace()` set (its `\s`, `strip()`), which differs from JavaScript's `\s` and `trim()`. */
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');
const RSTRIP = new RegExp(`[${PY_SPACE}]+$`);
const NON_SPACE = new RegExp(`[^${PY_SPACE}]`);
const strip = (s: string) => s.replace(STRIP, '');
// `\[(?P<header>.+)\]` matched at the start (not the end) of the stripped line, greedy: `[a] x]` is "a] x".
const SECTION = /^\[(.+)\]/s;
const RSRUN_SECTION = /^\[(.+)\]$/s;
// `(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$`: the first delimiter splits.
const OPTION = new RegExp(`^(.*?)[${PY_SPACE}]*([=:])[${PY_SPACE}]*(.*)$`, 's');
const RSRUN_OPTION = new RegExp(`^(.*?)[${PY_SPACE}]*(=)[${PY_SPACE}]*(.*)$`, 's');

/** A secret cut at `;`/`#` would fail to authenticate far from its cause: such a value must be quoted. */
const SECRET_KEY = /password|secret|token/i;

interface Building {
  section: IniSection;
  /** Value lines of each key, joined at the end as configparser does. */
  values: Map<string, string[]>;
}

export function parseIni(input: string, file: string, dialect: IniDialect): IniDocument {
  // A BOM is not whitespace to Python (the file would need encoding='utf-8-sig'); editors on
  // Windows write one, and refusing it helps nobody, so it is the one documented difference.
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  const reader = new IniReader(file, dialect === 'rsrun');
  lines.forEach((raw, index) => reader.line(raw, index + 1));
  return reader.finish();
}

/** `RawConfigParser._read`, one line at a time; the `rsrun` dialect adds its comment and quoting rules. */
class IniReader {
  private readonly sections = new Map<string, Building>();
  private defaults: Building | undefined;
  private current: Building | undefined;
  /** The key a more indented line continues; '' (a line with no key name) continues nothing. */
  private key: string | undefined;
  private indent = 0;
  /**
   * configparser collects malformed lines and raises after the whole file, while duplicates and a
   * missing header raise at once; the same order of precedence keeps the reported line the same.
   */
  private deferred: ConfigError | undefined;

  constructor(
    private readonly file: string,
    private readonly rsrun: boolean,
  ) {}

  line(raw: string, lineNo: number): void {
    const isComment = /^[#;]/.test(strip(raw));
    const uncommented = this.rsrun && !isComment ? withoutInlineComment(raw) : raw;
    const value = isComment ? '' : strip(uncommented);
    const { current, key } = this;
    if (value === '') {
      if (!isComment && current && key) current.values.get(key)?.push('');
      return;
    }
    const level = NON_SPACE.exec(raw)?.index ?? 0;
    if (current && key && level > this.indent) {
      current.values.get(key)?.push(this.rsrun ? unescape(value) : value);
      entryOf(current, key).lastLine = lineNo;
      return;
    }
    this.indent = level;
    const header = (this.rsrun ? RSRUN_SECTION : SECTION).exec(value);
    if (header) {
      this.current = this.openSection(header[1] as string, lineNo);
      this.key = undefined;
    } else if (this.rsrun && value.startsWith('[')) {
      throw this.fail(`malformed section header: ${shorten(value)}`, lineNo, 'write section headers as [name], alone on their line');
    } else if (!current) {
      throw this.fail(`a key before the first [section]: ${shorten(value)}`, lineNo, 'put a [section] header above it');
    } else {
      this.option(current, value, lineNo, uncommented !== raw);
    }
  }

  finish(): IniDocument {
    if (this.deferred) throw this.deferred;
    const defaults = this.defaults ? joined(this.defaults) : undefined;
    return { file: this.file, sections: [...this.sections.values()].map((b) => withDefaults(joined(b), defaults)), defaults };
  }

  private option(current: Building, value: string, lineNo: number, commentCut: boolean): void {
    const option = (this.rsrun ? RSRUN_OPTION : OPTION).exec(value);
    if (!option) {
      this.deferred ??= this.malformed(value, lineNo);
      return;
    }
    const name = (option[1] as string).replace(RSTRIP, '').toLowerCase();
    const rest = option[3] as string;
    if (name === '') this.deferred ??= this.malformed(value, lineNo);
    const prior = current.section.entries.find((e) => e.key === name);
    if (prior) {
      throw this.fail(
        `key "${name}" appears twice in [${current.section.name}]`,
        lineNo,
        `remove one of them (the other is on line ${prior.line})`,
      );
    }
    if (this.rsrun && commentCut && SECRET_KEY.test(name) && !/^["']/.test(rest)) {
      throw this.fail(
        `the value of "${name}" contains ; or #, where rsrun.ini cuts a value`,
        lineNo,
        'put the value in double quotes, or better, use ${ENV_VAR}',
      );
    }
    this.key = name;
    current.section.entries.push({ key: name, value: '', line: lineNo, lastLine: lineNo });
    current.values.set(name, [this.rsrun ? unquote(rest, lineNo, (m, l, h) => this.fail(m, l, h)) : strip(rest)]);
  }

  private openSection(name: string, line: number): Building {
    if (!this.rsrun && name === 'DEFAULT') {
      // Python allows [DEFAULT] more than once (its keys still may not repeat).
      this.defaults ??= { section: { name, line, entries: [] }, values: new Map() };
      return this.defaults;
    }
    const prior = this.sections.get(name);
    if (prior) throw this.fail(`section [${name}] appears twice`, line, `merge it with the one on line ${prior.section.line}`);
    const created = { section: { name, line, entries: [] }, values: new Map<string, string[]>() };
    this.sections.set(name, created);
    return created;
  }

  private malformed(value: string, line: number): ConfigError {
    return this.fail(
      `expected "key ${this.rsrun ? '=' : '= or :'} value" but found: ${shorten(value)}`,
      line,
      'each line is a [section], a key = value pair, a # or ; comment, or an indented continuation of the value above',
    );
  }

  private fail(message: string, line: number, hint: string): ConfigError {
    return new ConfigError(message, { file: this.file, line, hint });
  }
}

/** configparser's `_join_multiline_values`: lines joined with newlines, trailing blank lines dropped. */
function joined(b: Building): IniSection {
  for (const entry of b.section.entries) entry.value = (b.values.get(entry.key) ?? []).join('\n').replace(RSTRIP, '');
  return b.section;
}

function entryOf(b: Building, key: string): IniEntry {
  return b.section.entries.find((e) => e.key === key) as IniEntry;
}

/** configparser's `items(section)`: the defaults' keys first (overridden in place), then the section's own. */
function withDefaults(section: IniSection, defaults: IniSection | undefined): IniSection {
  if (!defaults) return section;
  const own = new Map(section.entries.map((e) => [e.key, e]));
  const entries = defaults.entries.map((d) => own.get(d.key) ?? d);
  for (const e of section.entries) if (!defaults.entries.some((d) => d.key === e.key)) entries.push(e);
  return { ...section, entries };
}

/** rsrun.ini: a `;` or `#` ends the line's text unless escaped (`\;`, `\#`) or inside a quoted value. */
function withoutInlineComment(line: string): string {
  const eq = line.indexOf('=');
  const valueStart = eq < 0 ? -1 : eq + 1 + (NON_SPACE.exec(line.slice(eq + 1))?.index ?? 0);
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (i === valueStart && (c === '"' || c === "'")) {
      const end = closingQuote(line, i);
      if (end < 0) return line; // unquote() names the missing quote
      i = end;
    } else if (c === '\\') i++;
    else if (c === ';' || c === '#') return line.slice(0, i);
  }
  return line;
}

function closingQuote(text: string, start: number): number {
  const q = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\' && q === '"') i++;
    else if (text[i] === q) return i;
  }
  return -1;
}

const unescape = (v: string) => v.replace(/\\([\\;#])/g, '$1');

/** rsrun.ini values: `"..."` with JSON escapes, `'...'` verbatim, otherwise `\;` `\#` `\\` unescaped. */
function unquote(value: string, line: number, fail: (m: string, l: number, h: string) => ConfigError): string {
  const v = strip(value);
  if (!v.startsWith('"') && !v.startsWith("'")) return unescape(v);
  if (closingQuote(v, 0) !== v.length - 1) {
    throw fail(`the quoted value ${shorten(v)} has no closing quote, or text after it`, line, 'end the value with its quote');
  }
  if (v.startsWith("'")) return v.slice(1, -1);
  try {
    return JSON.parse(v) as string;
  } catch {
    throw fail(`cannot read the quoted value ${shorten(v)}`, line, 'inside double quotes, write \\" for a quote and \\\\ for a backslash');
  }
}

function shorten(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
