import type { MigrationKind, MigrationRef } from '../events';
import type { SqlComment, StatementList } from './split-sql';

/** A migration found in the project, with its statements already split. */
export interface Migration {
  kind: Exclude<MigrationKind, 'baseline'>;
  /** Normalised version (`1.0.1`), or the section name of an INI changeset; null for repeatables. */
  version: string | null;
  description: string;
  /** Path relative to the migrations directory (`/`-separated), or `file.ini#[SECTION]`. */
  script: string;
  /** Absolute path of the file holding it. */
  file: string;
  /** Line of the migration in `file` (1 for SQL files, the section header for INI changesets). */
  line: number;
  /** SHA-256 of the content with line endings normalised, so a checkout with CRLF is not an edit. */
  checksum: string;
  statements: StatementList;
  /** The file's comments (directives, lint silencing); empty for INI changesets. */
  comments: SqlComment[];
  /** `-- rsrun:NAME` directives found in the file's comments. */
  directives: Set<string>;
  /** Where the migration came from: a V/R/U file, or a section of a seed-sample changeset INI. */
  source: 'sql' | 'ini';
}

export function migrationRef(m: Migration, transactional: boolean): MigrationRef {
  return {
    version: m.version,
    description: m.description,
    kind: m.kind,
    script: m.script,
    checksum: m.checksum,
    transactional,
    statementCount: m.statements.length,
  };
}
