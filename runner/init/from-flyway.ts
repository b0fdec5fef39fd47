/**
 * `rsrun init --from-flyway DIR`: a Flyway project adopted in place. Its `flyway.conf` (Java
 * properties) gives the environment (url, user) and where the SQL is (locations); the SQL files
 * stay where they are, since rsrun reads Flyway's file names (V/R/U) as they are.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors';

export interface FlywayProject {
  /** The flyway.conf read. */
  conf: string;
  /** Absolute folder of the SQL migrations. */
  migrations: string;
  /** `[env.flyway]` keys, when flyway.url names Redshift or PostgreSQL. */
  env: [string, string][] | undefined;
  notes: string[];
}

/** Java `.properties`: `key=value`, `key: value` or `key value`; `#`/`!` comments; `\` continues a line. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] as string).replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + (lines[++i] as string).replace(/^\s+/, '');
    const m = /^((?:\\.|[^=:\s\\])*)\s*[=:\s]?\s*(.*)$/s.exec(line);
    if (!m) continue;
    out.set(unescape(m[1] as string), unescape(m[2] as string).trimEnd());
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, c: string) =>
    c.length === 5
      ? String.fromCharCode(parseInt(c.slice(1), 16))
      : (({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[c] ?? c),
  );
}

export function readFlywayProject(dir: string): FlywayProject {
  const conf = [path.join(dir, 'flyway.conf'), path.join(dir, 'conf', 'flyway.conf')].find((f) => existsSync(f));
  if (!conf) {
    const toml = existsSync(path.join(dir, 'flyway.toml'));
    throw new ConfigError(`no flyway.conf in ${dir} (or ${path.join(dir, 'conf')})`, {
      hint: toml
        ? 'flyway.toml is not read yet: run `rsrun init` without --from-flyway and set [project] migrations to your SQL folder'
        : 'pass the folder that holds flyway.conf',
    });
  }
  const props = parseProperties(readFileSync(conf, 'utf8'));
  const notes: string[] = [];
  const migrations = migrationsFolder(dir, conf, props.get('flyway.locations') ?? 'filesystem:sql');
  const env = environmentFrom(conf, props, notes);
  const schemas = props.get('flyway.defaultSchema') ?? props.get('flyway.schemas')?.split(',')[0]?.trim();
  if (schemas) {
    notes.push(
      `Flyway ran your SQL with the default schema ${schemas}; rsrun does not change search_path: schema-qualify names, or start migrations with SET search_path TO ${schemas};`,
    );
  }
  const placeholders = filesWithPlaceholders(migrations);
  if (placeholders.length > 0) {
    notes.push(
      `Flyway placeholders (\${...}) are not replaced by rsrun; found in ${placeholders.slice(0, 5).join(', ')}${placeholders.length > 5 ? ', ...' : ''}`,
    );
  }
  notes.push(
    `A database Flyway already migrated: run \`rsrun baseline --env flyway --version <its latest version>\` once, so rsrun starts after it (Flyway's own history table is left alone).`,
  );
  return { conf, migrations, env, notes };
}

function migrationsFolder(dir: string, conf: string, locations: string): string {
  const list = locations
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);
  if (list.length !== 1) {
    throw new ConfigError(`flyway.locations names ${list.length} locations (${locations}); rsrun reads one migrations folder`, {
      file: conf,
      hint: 'move the SQL under one folder (sub-folders are read too) and point flyway.locations at it',
    });
  }
  const location = list[0] as string;
  const m = /^(filesystem|classpath):(.*)$/.exec(location);
  const kind = m?.[1] ?? 'filesystem';
  const rest = m?.[2] ?? location;
  // Maven and Gradle projects keep classpath:db/migration under src/main/resources.
  const folder = kind === 'classpath' ? path.resolve(dir, 'src/main/resources', rest) : path.resolve(dir, rest);
  if (!existsSync(folder)) {
    throw new ConfigError(`flyway.locations ${location} is not a folder: ${folder} does not exist`, {
      file: conf,
      hint: 'run rsrun init --from-flyway on the folder Flyway runs from',
    });
  }
  return folder;
}

/** `jdbc:redshift://host:5439/dev`, `jdbc:redshift:iam://cluster.id.region.redshift.amazonaws.com/dev`, `jdbc:postgresql://...`. */
function environmentFrom(conf: string, props: Map<string, string>, notes: string[]): [string, string][] | undefined {
  const url = props.get('flyway.url');
  if (!url) {
    notes.push('flyway.conf has no flyway.url: add an [env.NAME] section for your warehouse to rsrun.ini.');
    return undefined;
  }
  const m = /^jdbc:(redshift|postgresql)(:iam)?:\/\/([^/:?;]+)(?::(\d+))?\/([^?;]*)/.exec(url);
  if (!m) {
    notes.push(`flyway.url ${url} is neither Redshift nor PostgreSQL: no environment was written for it.`);
    return undefined;
  }
  const [, kind, iam, host = '', port, database] = m;
  const env: [string, string][] = [['engine', kind === 'redshift' ? 'redshift' : 'postgres']];
  if (iam) {
    const [cluster, , region] = host.split('.');
    env.push(['auth', 'iam'], ['cluster_identifier', cluster ?? host]);
    if (region && host.endsWith('.redshift.amazonaws.com')) env.push(['region', region]);
    if (props.get('flyway.user')) env.push(['db_user', props.get('flyway.user') as string]);
  } else {
    env.push(['host', host]);
    if (props.get('flyway.user')) env.push(['user', props.get('flyway.user') as string]);
    // Never copied: flyway.conf may hold a password in clear; rsrun reads it from the environment.
    env.push(['password', '${RSRUN_FLYWAY_PASSWORD}']);
    if (props.has('flyway.password')) notes.push(`flyway.conf holds a password: it was not copied; export RSRUN_FLYWAY_PASSWORD instead.`);
  }
  if (port) env.push(['port', port]);
  if (database) env.push(['database', database]);
  return env;
}

function filesWithPlaceholders(folder: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.sql')) continue;
    const file = path.join(e.parentPath, e.name);
    if (/\$\{[A-Za-z_][\w.]*\}/.test(readFileSync(file, 'utf8'))) out.push(path.relative(folder, file));
  }
  return out.sort();
}
