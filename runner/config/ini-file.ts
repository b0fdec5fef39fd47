/**
 * Reading INI files with the `ini` package, plus the checks it does not do: it accepts almost
 * anything, so malformed lines, duplicate keys and values silently cut at `;`/`#` are found here
 * first and reported with file and line.
 */
import { readFile } from 'node:fs/promises';
import ini from 'ini';
import { ConfigError } from '../errors';

export type IniSection = Record<string, string>;

export interface IniDocument {
  file: string;
  /** Sections by their full name as written (`env.local`, `DEV`, `DDL_v01`), in file order. */
  sections: Map<string, IniSection>;
  /** Line of each `section` / `section\0key`, for messages. */
  lines: Map<string, number>;
}

export async function readIniFile(file: string): Promise<IniDocument> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read ${file}`, { file, cause: err, hint: 'check the path and permissions' });
  }
  return parseIni(text, file);
}

export function parseIni(input: string, file: string): IniDocument {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (text.includes('\ufffd')) {
    throw new ConfigError('file is not valid UTF-8', { file, hint: 'save the file as UTF-8' });
  }
  const lines = new Map<string, number>();
  const order: string[] = [];
  let section = '';
  const rawLines = text.split(/\r?\n/);
  rawLines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) return;
    if (line.startsWith('[')) {
      const m = /^\[([^\]]+)\]\s*([;#].*)?$/.exec(line);
      if (!m) throw new ConfigError(`malformed section header: ${line}`, { file, line: lineNo, hint: 'write section headers as [name]' });
      section = (m[1] as string).trim();
      if (lines.has(section))
        throw new ConfigError(`section [${section}] appears twice`, {
          file,
          line: lineNo,
          hint: `merge it with the one on line ${lines.get(section)}`,
        });
      lines.set(section, lineNo);
      order.push(section);
      return;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) {
      throw new ConfigError(`expected "key = value" but found: ${line.length > 60 ? line.slice(0, 60) + '…' : line}`, {
        file,
        line: lineNo,
        hint: 'each line is a [section], a key = value pair, or a ; comment',
      });
    }
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    const id = `${section}\0${key}`;
    if (lines.has(id))
      throw new ConfigError(`key "${key}" appears twice in [${section}]`, {
        file,
        line: lineNo,
        hint: `remove one of them (the other is on line ${lines.get(id)})`,
      });
    lines.set(id, lineNo);
    // The ini package ends an unquoted value at ; or # (an inline comment). A secret that contains
    // one would be cut without a word, so insist on quotes there.
    if (/password|secret|token/i.test(key) && /[;#]/.test(value) && !/^(["']).*\1$/.test(value)) {
      throw new ConfigError(`the value of "${key}" contains ; or # and would be cut there`, {
        file,
        line: lineNo,
        hint: 'put the value in double quotes, or better, use ${ENV_VAR}',
      });
    }
  });

  const parsed = ini.parse(text) as Record<string, unknown>;
  const sections = new Map<string, IniSection>();
  for (const name of order) {
    sections.set(name, stringify(lookup(parsed, name)));
  }
  // Keys before the first section header.
  const top = stringify(Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v !== 'object')));
  if (Object.keys(top).length > 0) sections.set('', top);
  return { file, sections, lines };
}

// `ini` nests dotted section names ([env.local] → {env: {local: {...}}}); walk them back.
function lookup(parsed: Record<string, unknown>, name: string): Record<string, unknown> {
  if (name in parsed && typeof parsed[name] === 'object') return parsed[name] as Record<string, unknown>;
  let node: unknown = parsed;
  for (const part of name.split('.')) {
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  }
  return node && typeof node === 'object' ? (node as Record<string, unknown>) : {};
}

function stringify(obj: Record<string, unknown>): IniSection {
  const out: IniSection = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === null || v === undefined || typeof v === 'object') continue;
    out[k] = v === true ? 'true' : v === false ? 'false' : String(v);
  }
  return out;
}
