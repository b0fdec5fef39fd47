/**
 * Test INI files (the seed sample's `test_cases.ini`, `[assert ...]` files) are read the way its
 * Python reads them, with `configparser`: the one parser in `config/ini-file.ts`, which keeps the
 * line of every key for messages.
 */
import { parseIni } from '../config/ini-file';

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
  return parseIni(text, file, 'configparser').sections;
}
