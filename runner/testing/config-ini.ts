/**
 * Reads INI test files the way Python's `configparser` (what the seed sample uses) reads them:
 * `key = value` or `key: value`, whole-line `#`/`;` comments only, indented lines continue the
 * previous value, keys lower-cased, section names kept verbatim (dots included).
 *
 * Why not the `ini` package: it cuts values at an inline `;` or `#`, and the seed sample's
 * queries end with `;` and may contain `#` in string literals. The configparser-compatible
 * parser on npm (config-ini-parser) is GPL-3.0, which this Apache-2.0 project cannot ship.
 */
import { InputError } from '../errors';

export interface IniEntry {
  key: string;
  value: string;
  line: number;
}

export interface IniSection {
  name: string;
  line: number;
  entries: IniEntry[];
}

export function parseConfigIni(text: string, file: string): IniSection[] {
  const sections: IniSection[] = [];
  let section: IniSection | undefined;
  let last: IniEntry | undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (/^\s*$/.test(raw)) {
      last = undefined;
      return;
    }
    if (/^\s*[#;]/.test(raw)) return;
    if (/^\s/.test(raw) && last) {
      last.value = `${last.value}\n${raw.trim()}`;
      return;
    }
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (header) {
      const name = (header[1] as string).trim();
      if (sections.some((s) => s.name === name)) throw new InputError(`duplicate section [${name}]`, { file, line });
      section = { name, line, entries: [] };
      sections.push(section);
      last = undefined;
      return;
    }
    const kv = /^\s*([^=:]+?)\s*[=:]\s?(.*)$/.exec(raw);
    if (!kv) throw new InputError(`cannot read this line: ${raw.trim()}`, { file, line, hint: 'write `key = value` inside a [section]' });
    if (!section) throw new InputError('a key before any [section]', { file, line, hint: 'put keys under a [section] header' });
    const key = (kv[1] as string).toLowerCase();
    if (section.entries.some((e) => e.key === key)) throw new InputError(`duplicate key "${key}" in [${section.name}]`, { file, line });
    last = { key, value: (kv[2] as string).trim(), line };
    section.entries.push(last);
  });
  return sections;
}
