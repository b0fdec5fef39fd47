/**
 * `rsrun init [DIR]`: a project `rsrun deploy` runs with no edit, new (an example migration and
 * test in Redshift SQL) or adopted in place from a Flyway layout or the seed sample's layout.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config/load-config';
import { ConfigError, messageOf } from '../errors';
import { readFlywayProject } from './from-flyway';
import { readSeedProject } from './from-seed';
import { writePlan, type InitPlan, type WrittenPlan } from './plan';
import { EXAMPLE_MIGRATION, EXAMPLE_TEST, rsrunIni, type IniParts } from './templates';

export interface InitOptions {
  /** Absolute directory to initialise (created when missing). */
  dir: string;
  name?: string;
  fromFlyway?: string;
  fromSeed?: string;
}

export interface InitResult extends WrittenPlan {
  dir: string;
  notes: string[];
}

/** Lint rules that are the team's policy, not Redshift's: an adopted project starts with them off. */
const POLICY_RULES = ['RS201', 'RS102'];

export async function initProject(options: InitOptions): Promise<InitResult> {
  if (options.fromFlyway && options.fromSeed) {
    throw new ConfigError('--from-flyway and --from-seed exclude each other', { hint: 'adopt one layout at a time' });
  }
  const name = options.name ?? path.basename(options.dir);
  const plan = options.fromFlyway
    ? flywayPlan(options.dir, name, path.resolve(options.fromFlyway))
    : options.fromSeed
      ? seedPlan(options.dir, name, path.resolve(options.fromSeed))
      : newPlan(options.dir, name);
  const written = await writePlan(plan);
  const notes = [...plan.notes];
  if (options.fromFlyway || options.fromSeed) notes.push(...(await adoptLintPolicy(options.dir)));
  return { ...written, dir: options.dir, notes };
}

const rel = (dir: string, target: string) => path.relative(dir, target).split(path.sep).join('/') || '.';

function newPlan(dir: string, name: string): InitPlan {
  return {
    dir,
    files: [
      {
        path: 'rsrun.ini',
        content: rsrunIni({
          name,
          project: [
            ['migrations', 'migrations'],
            ['tests', 'tests'],
          ],
        }),
        what: 'settings and environments',
      },
      { path: 'migrations/V1__example.sql', content: EXAMPLE_MIGRATION, what: 'a first migration in Redshift SQL' },
      { path: 'tests/example.sql', content: EXAMPLE_TEST, what: 'SQL tests run after each deploy' },
    ],
    dirs: [],
    untouched: ['migrations', 'tests'],
    notes: [],
  };
}

function flywayPlan(dir: string, name: string, flywayDir: string): InitPlan {
  const flyway = readFlywayProject(flywayDir);
  const sections = flyway.env
    ? [
        [
          `; The database ${rel(dir, flyway.conf)} points at (rename the section as you like):`,
          '[env.flyway]',
          ...flyway.env.map(([k, v]) => `${k.padEnd(16)} = ${v}`),
        ].join('\n'),
      ]
    : [];
  return iniPlan(
    dir,
    {
      name,
      project: [
        ['migrations', rel(dir, flyway.migrations)],
        ['tests', 'tests'],
      ],
      sections,
      notes: [`Adopted from ${rel(dir, flyway.conf)}: the SQL files stay in ${rel(dir, flyway.migrations)}/.`],
    },
    `settings: migrations in ${rel(dir, flyway.migrations)}/${flyway.env ? ', [env.flyway] from flyway.url' : ''}`,
    ['tests'],
    flyway.notes,
  );
}

/** An adopted project: one rsrun.ini pointing at files that stay where they are. */
function iniPlan(dir: string, parts: IniParts, what: string, dirs: string[], notes: string[]): InitPlan {
  return { dir, files: [{ path: 'rsrun.ini', content: rsrunIni(parts), what }], dirs, notes };
}

function seedPlan(dir: string, name: string, seedDir: string): InitPlan {
  const seed = readSeedProject(seedDir);
  // Tests are read from the folder of test_cases.ini, recursively: it must not hold the project's
  // own reports/ (their sql/ copies would be read as tests).
  if (seed.tests && !path.relative(seed.tests, dir).startsWith('..')) {
    throw new ConfigError(`the rsrun project cannot live in ${seed.tests}, the folder of the seed's test_cases.ini`, {
      hint: `run rsrun init --from-seed in another folder, e.g. ${path.dirname(seed.tests)} (the seed's files are referenced, not copied)`,
    });
  }
  const project: [string, string][] = [
    ['migrations', rel(dir, seed.migrations)],
    ['tests', seed.tests ? rel(dir, seed.tests) : 'tests'],
  ];
  if (seed.dwConfig) project.push(['dw_config', rel(dir, seed.dwConfig)]);
  const notes = [
    `Changesets: ${rel(dir, seed.migrations)} (each [SECTION] one version, applied in file order).`,
    ...(seed.dwConfig
      ? [
          `Environments from ${rel(dir, seed.dwConfig)}: ${seed.environments.join(', ') || 'none'} (engine redshift; give the host with --host or RSRUN_<ENV>_HOST, e.g. rsrun deploy --env ${seed.environments[0] ?? 'dev'} --host ...).`,
        ]
      : []),
    ...seed.copySources.map(
      (source) =>
        `COPY reads ${source} on the cluster; locally from seeds/s3/${source.slice('s3://'.length)}* (put a sample of those files there, compressed as on the cluster: GZIP, BZIP2, LZOP and ZSTD are read).`,
    ),
  ];
  return iniPlan(
    dir,
    {
      name,
      project,
      local: [['local_s3_dir', 'seeds/s3', "COPY ... FROM 's3://bucket/key' reads seeds/s3/bucket/key locally"]],
      notes: [`Adopted from the seed sample's layout in ${rel(dir, seedDir)}/: its files are read in place, unchanged.`],
    },
    'settings: the seed files referenced in place',
    ['seeds/s3', ...(seed.tests ? [] : ['tests'])],
    notes,
  );
}

/**
 * The adopted SQL was written without rsrun's policy rules (no DROP without `-- rsrun:allow-drop`,
 * no non-atomic mix): switching them off keeps `rsrun deploy` working unchanged; the user can
 * switch them on when the SQL is ready. Redshift's own rules stay on.
 */
async function adoptLintPolicy(dir: string): Promise<string[]> {
  try {
    const { lintProjectFiles } = await import('../lint/index.js');
    const { findings } = await lintProjectFiles(await loadConfig({ projectDir: dir }, {}));
    const broken = POLICY_RULES.filter((id) => findings.some((f) => f.rule === id && f.severity === 'error'));
    if (broken.length === 0) return [];
    const file = path.join(dir, 'rsrun.ini');
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      text.replace(
        /\n\[env\.local\]/,
        `\n; The adopted SQL does not follow these policy rules yet (docs/redshift-rules.md); remove them to enforce.\n[lint]\ndisable = ${broken.join(', ')}\n\n[env.local]`,
      ),
    );
    return [`Lint: ${broken.join(', ')} switched off in [lint] (policy rules the adopted SQL does not follow yet).`];
  } catch (err) {
    return [`Lint could not read the adopted SQL yet: ${messageOf(err).split('\n')[0] ?? ''} (rsrun lint shows it).`];
  }
}
