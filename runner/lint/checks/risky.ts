/**
 * RS201–RS205: changes that lose data or break later deploys. They apply to migrations (undo
 * scripts may drop what their version created). `SchemaModel` follows CREATE TABLE / ADD COLUMN /
 * ALTER COLUMN TYPE across migrations in apply order, so RS202 can compare with the current type.
 *
 * r_ALTER_TABLE, ALTER COLUMN column_name TYPE: the only type change is "updated_varchar_data_type_size";
 * "You can't alter columns with default values."; "You can't decrease the size less than the
 * maximum size of existing data." r_CREATE_VIEW, WITH NO SCHEMA BINDING: "the view isn't bound to
 * the underlying database objects, such as tables and user-defined functions"; a late-binding
 * view's tables must be schema-qualified ("all tables ... must be qualified with a schema name").
 * A regular view binds its tables, so DROP TABLE of one fails unless CASCADE drops the view too.
 */
import { isSymbol, isWord, matchWords, type SqlToken } from '../../dialects/sql-tokens';
import {
  nameKey,
  parseCreateTable,
  readName,
  readType,
  referencedRelations,
  sameTable,
  type QualifiedName,
} from '../../dialects/sql-shape';
import type { LintSettings, Report, StatementView } from '../types';

interface ColumnState {
  type: string;
  size: number | undefined;
  hasDefault: boolean;
}

/** Tables and columns as the migrations so far leave them. */
export class SchemaModel {
  private readonly tables = new Map<string, Map<string, ColumnState>>();
  /** Tables dropped or renamed away, with the file that does it. */
  readonly dropped: { name: QualifiedName; file: string }[] = [];
  /** Views without WITH NO SCHEMA BINDING and the tables they read. */
  readonly boundViews: { file: string; line: number; statementIndex: number; reads: QualifiedName[] }[] = [];

  column(table: QualifiedName, column: string): ColumnState | undefined {
    for (const [key, cols] of this.tables) {
      const parts = key.split('.');
      if (sameTable(table, { ...table, parts })) return cols.get(column);
    }
    return undefined;
  }

  setTable(table: QualifiedName, cols: Map<string, ColumnState>): void {
    this.tables.set(nameKey(table), cols);
  }

  setColumn(table: QualifiedName, column: string, state: ColumnState): void {
    const cols = this.tables.get(nameKey(table));
    if (cols) cols.set(column, state);
  }
}

const VARCHAR = new Set(['VARCHAR', 'CHARACTER VARYING', 'NVARCHAR', 'TEXT', 'CHAR VARYING', 'NATIONAL CHARACTER VARYING']);
/** TEXT and NVARCHAR without a size are VARCHAR(256) on Redshift (r_Character_types). */
const sizeOf = (type: string, args: number[]): number | undefined => args[0] ?? (VARCHAR.has(type) ? 256 : undefined);

const colName = (t: SqlToken): string => (t.kind === 'quoted-ident' ? t.value : t.text.toLowerCase());

export function checkRisky(
  v: StatementView,
  model: SchemaModel,
  createdHere: QualifiedName[],
  allowDrop: boolean,
  settings: LintSettings,
  report: Report,
): void {
  const ts = v.tokens;
  const file = v.source.file;
  const migration = v.source.kind !== 'test';
  const table = parseCreateTable(ts);
  if (table) {
    if (!table.external) {
      const cols = new Map<string, ColumnState>();
      for (const c of table.columns) {
        cols.set(colName(c.name), {
          type: c.type?.name ?? '',
          size: c.type ? sizeOf(c.type.name, c.type.args) : undefined,
          hasDefault: c.attrs.some((a) => isWord(a, 'DEFAULT')),
        });
      }
      model.setTable(table.name, cols);
      createdHere.push(table.name);
    }
    const keyed = ts.some((t) => isWord(t, 'DISTSTYLE', 'DISTKEY', 'SORTKEY'));
    if (migration && settings.requireDistSort && !table.temp && !table.external && !table.like && !keyed) {
      report(
        'RS203',
        table.name.first,
        `table ${table.name.parts.join('.')} has no DISTSTYLE, DISTKEY or SORTKEY, and [lint] require_dist_sort asks for one (DISTSTYLE AUTO / SORTKEY AUTO state the choice explicitly)`,
      );
    }
    return;
  }
  if (!migration) return;

  if (matchWords(ts, 0, 'DROP', 'TABLE')) {
    let k = 2;
    if (isWord(ts[k], 'IF') && isWord(ts[k + 1], 'EXISTS')) k += 2;
    for (;;) {
      const name = readName(ts, k);
      if (!name) break;
      model.dropped.push({ name, file });
      const scratch = name.temp || createdHere.some((c) => sameTable(c, name));
      if (!scratch && !allowDrop && v.source.kind !== 'undo') {
        report(
          'RS201',
          name.first,
          `DROP TABLE ${name.parts.join('.')} deletes its data: if intended, add -- rsrun:allow-drop to the migration`,
        );
      }
      if (!isSymbol(ts[name.end], ',')) break;
      k = name.end + 1;
    }
    return;
  }
  if (matchWords(ts, 0, 'DROP', 'SCHEMA') && !allowDrop && v.source.kind !== 'undo') {
    report('RS201', ts[0], 'DROP SCHEMA deletes every table in it: if intended, add -- rsrun:allow-drop to the migration');
    return;
  }
  if (matchWords(ts, 0, 'CREATE', 'VIEW') || matchWords(ts, 0, 'CREATE', 'OR', 'REPLACE', 'VIEW')) {
    checkView(v, model, report);
    return;
  }
  if (!matchWords(ts, 0, 'ALTER', 'TABLE')) return;
  let k = 2;
  if (isWord(ts[k], 'IF') && isWord(ts[k + 1], 'EXISTS')) k += 2;
  if (isWord(ts[k], 'ONLY')) k++;
  const name = readName(ts, k);
  if (!name) return;
  k = name.end;
  if (isWord(ts[k], 'RENAME') && isWord(ts[k + 1], 'TO')) {
    model.dropped.push({ name, file });
    return;
  }
  if (isWord(ts[k], 'DROP') && !isWord(ts[k + 1], 'CONSTRAINT', 'DEFAULT')) {
    const col = isWord(ts[k + 1], 'COLUMN') ? ts[k + 2] : ts[k + 1];
    const scratch = name.temp || createdHere.some((c) => sameTable(c, name));
    if (col && !scratch && !allowDrop && v.source.kind !== 'undo') {
      report('RS201', col, `DROP COLUMN ${col.text} deletes its data: if intended, add -- rsrun:allow-drop to the migration`);
    }
    return;
  }
  if (isWord(ts[k], 'ADD')) {
    let c = k + 1;
    if (isWord(ts[c], 'COLUMN')) c++;
    const colTok = ts[c];
    const type = readType(ts, c + 1);
    if (colTok && type && !isWord(colTok, 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK')) {
      model.setColumn(name, colName(colTok), {
        type: type.name,
        size: sizeOf(type.name, type.args),
        hasDefault: ts.slice(type.end).some((a) => isWord(a, 'DEFAULT')),
      });
    }
    return;
  }
  if (isWord(ts[k], 'ALTER')) {
    const c = isWord(ts[k + 1], 'COLUMN') ? k + 2 : k + 1;
    const colTok = ts[c];
    if (!colTok || !isWord(ts[c + 1], 'TYPE')) return;
    const target = readType(ts, c + 2);
    if (!target) return;
    const current = model.column(name, colName(colTok));
    if (!VARCHAR.has(target.name)) {
      report(
        'RS202',
        target.at,
        `Redshift can only change a VARCHAR column's size, not its type to ${target.name.toLowerCase()}: add a new column, copy, drop the old one and rename (or rebuild the table)`,
      );
      return;
    }
    if (current && !VARCHAR.has(current.type)) {
      report(
        'RS202',
        target.at,
        `column ${colTok.text} is ${current.type.toLowerCase()}, not VARCHAR: Redshift cannot change its type in place; add a new column, copy, drop and rename`,
      );
    } else if (current && current.size !== undefined && target.args[0] !== undefined && target.args[0] < current.size) {
      report(
        'RS202',
        target.at,
        `column ${colTok.text} is VARCHAR(${current.size}): Redshift can only increase a VARCHAR's size, not shrink it to ${target.args[0]}`,
      );
    } else if (current?.hasDefault) {
      report('RS202', target.at, `column ${colTok.text} has a DEFAULT: Redshift cannot alter the type of a column with a default value`);
    }
    if (current) model.setColumn(name, colName(colTok), { ...current, type: target.name, size: sizeOf(target.name, target.args) });
  }
}

function checkView(v: StatementView, model: SchemaModel, report: Report): void {
  const ts = v.tokens;
  const late = ts.some((t, i) => isWord(t, 'NO') && isWord(ts[i + 1], 'SCHEMA') && isWord(ts[i + 2], 'BINDING'));
  const reads = referencedRelations(ts);
  const view = ts.find((t) => isWord(t, 'VIEW')) as SqlToken;
  if (late) {
    for (const r of reads) {
      if (r.parts.length === 1)
        report('RS205', r.first, `late-binding view reads "${r.parts[0]}" without a schema: write schema.${r.parts[0]}`);
    }
    return;
  }
  model.boundViews.push({ file: v.source.file, line: v.lineOf(view), statementIndex: v.statement.index, reads });
}

/** RS204, once every migration is known: bound views over tables some other migration drops. */
export function checkBoundViews(
  model: SchemaModel,
  emit: (file: string, line: number, statementIndex: number, message: string) => void,
): void {
  for (const bv of model.boundViews) {
    for (const r of bv.reads) {
      const drop = model.dropped.find((d) => d.file !== bv.file && sameTable(d.name, r));
      if (drop) {
        emit(
          bv.file,
          bv.line,
          bv.statementIndex,
          `view reads ${r.parts.join('.')}, which ${drop.file} drops or renames: make it late-binding (WITH NO SCHEMA BINDING, schema-qualified tables) so that migration does not fail or need CASCADE`,
        );
        break;
      }
    }
  }
}
