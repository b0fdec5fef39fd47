/**
 * What `--help` says: the global options (and which commands they apply to), examples, and the
 * exit-code table. A subcommand's help lists its own options first and the global ones that apply
 * to it in one short block; a global option given to a command it does not apply to is a warning.
 */
import { Help, type Command, type Option } from 'commander';
import { ExitCode } from '../errors';

export type GlobalKey =
  'config' | 'env' | 'projectDir' | 'reportsDir' | 'logLevel' | 'logFormat' | 'host' | 'port' | 'database' | 'user' | 'fresh';

/** Options every command accepts, before or after the command name (`rsrun --env test deploy` = `rsrun deploy --env test`). */
export const GLOBAL_OPTIONS: { key: GlobalKey; flags: string; description: string }[] = [
  {
    key: 'env',
    flags: '-e, --env <name>',
    description:
      'environment to use; BASE:BRANCH for a branch environment (env RSRUN_ENV, RSRUN_ENV_BRANCH; default: local, the embedded warehouse)',
  },
  { key: 'projectDir', flags: '-C, --project-dir <dir>', description: 'project directory (default: the current directory)' },
  { key: 'config', flags: '-c, --config <file>', description: 'rsrun.ini to read (default: <project-dir>/rsrun.ini)' },
  { key: 'reportsDir', flags: '--reports-dir <dir>', description: 'where run directories go (default: <project-dir>/reports)' },
  { key: 'logLevel', flags: '--log-level <level>', description: 'error | warn | info | debug (env RSRUN_LOG_LEVEL)' },
  { key: 'logFormat', flags: '--log-format <format>', description: 'auto | text | json (env RSRUN_LOG_FORMAT)' },
  { key: 'host', flags: '--host <host>', description: 'override the environment host (env RSRUN_HOST)' },
  { key: 'port', flags: '--port <port>', description: 'override the environment port (env RSRUN_PORT)' },
  { key: 'database', flags: '--database <name>', description: 'override the environment database (env RSRUN_DATABASE)' },
  { key: 'user', flags: '--user <name>', description: 'override the environment user (env RSRUN_USER); passwords never come from flags' },
  { key: 'fresh', flags: '--fresh', description: 'embedded engine: discard local data and start from an empty warehouse' },
];

const ALL = GLOBAL_OPTIONS.map((o) => o.key);
const PROJECT: GlobalKey[] = ['config', 'projectDir'];
const LOGS: GlobalKey[] = ['logLevel', 'logFormat'];

/** The global options each command reads; commands not listed read them all. */
const SCOPES: Record<string, GlobalKey[]> = {
  init: ['projectDir'],
  lint: PROJECT,
  ship: [...PROJECT, 'env', 'reportsDir', ...LOGS],
  reports: [...PROJECT, 'reportsDir'],
  image: [],
  container: [...PROJECT, 'env', 'reportsDir', ...LOGS],
  pipeline: [...PROJECT, 'reportsDir', ...LOGS],
};

export function globalsOf(command: string): GlobalKey[] {
  return SCOPES[command] ?? ALL;
}

/** Options created for the global table, so a subcommand's help can show them apart from its own. */
const globalOptions = new WeakSet<Option>();

export function markGlobal(option: Option): void {
  globalOptions.add(option);
}

export function isGlobalOption(option: Option): boolean {
  return globalOptions.has(option);
}

/** Own options first; the applicable global ones in one short block after them. */
export function configureSubcommandHelp(cmd: Command): void {
  const keys = globalsOf(cmd.name());
  cmd.configureHelp({
    visibleOptions(c: Command): Option[] {
      return Help.prototype.visibleOptions.call(this, c).filter((o) => !globalOptions.has(o));
    },
  });
  if (keys.length === 0) return;
  const flags = GLOBAL_OPTIONS.filter((o) => keys.includes(o.key)).map((o) => o.flags);
  cmd.addHelpText('after', `\nGlobal options (before or after the command; rsrun --help describes them):\n${wrap(flags, '  ', 100)}`);
}

function wrap(items: string[], indent: string, width: number): string {
  const lines: string[] = [];
  let line = indent;
  for (const item of items) {
    if (line.length + item.length + 2 > width && line.trim() !== '') {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += `${item}  `;
  }
  lines.push(line.trimEnd());
  return lines.join('\n');
}

/** Warnings for global options given to a command that does not read them. */
export function unusedGlobals(command: string, given: Partial<Record<GlobalKey, unknown>>): string[] {
  const keys = globalsOf(command);
  return GLOBAL_OPTIONS.filter((o) => given[o.key] !== undefined && !keys.includes(o.key)).map(
    (o) => `${o.flags.replace(/ <.*$/, '').replace(/^-\w, /, '')} does not apply to \`rsrun ${command}\`: ignored`,
  );
}

/** Exit codes: the README's table says the same (test/cli/readme.test.ts compares them). */
export const EXIT_CODES: [number, string][] = [
  [ExitCode.Ok, 'success'],
  [ExitCode.TestsFailed, 'SQL tests failed or errored'],
  [
    ExitCode.BadInput,
    'bad input or configuration (malformed INI, unknown key or environment, bad file name, lint error, edited applied migration): nothing was applied',
  ],
  [ExitCode.DeployFailed, 'a migration failed on the warehouse; it was rolled back (or, outside a transaction, its progress recorded)'],
  [ExitCode.LockTimeout, 'another deployment held the lock longer than lock_timeout'],
  [ExitCode.ConnectionFailed, 'cannot connect or authenticate'],
  [ExitCode.ShippingFailed, 'shipping failed and [s3]/[cloudwatch] required = true'],
  [ExitCode.ContainerFailed, 'building, pushing or running the container failed'],
  [ExitCode.PromotionRefused, 'promotion refused: the image digest did not pass the previous environment'],
  [ExitCode.Drift, "drift: the environment's schema differs from what its applied migrations build"],
  [ExitCode.Internal, 'a bug in rsrun'],
];

const EXAMPLES: [string, string][] = [
  ['rsrun init my-warehouse', 'a new project: rsrun.ini, an example migration and test'],
  ['rsrun deploy', 'lint, migrate and test on the embedded local warehouse'],
  ['rsrun plan --env test', 'what would run on the test cluster, with its SQL'],
  ['rsrun deploy --env test', 'deploy and test on Redshift; reports to S3, metrics to CloudWatch'],
  ['rsrun test --grep orders --shard 1/4', 'a quarter of the tests whose id matches "orders"'],
  ['rsrun info --json', 'applied and pending migrations as JSON'],
  ['rsrun reports prune --keep 20', 'keep the newest 20 run directories'],
];

export function mainHelpText(): string {
  const w = Math.max(...EXAMPLES.map(([c]) => c.length));
  return [
    '',
    'Examples:',
    ...EXAMPLES.map(([c, what]) => `  ${c.padEnd(w)}   ${what}`),
    '',
    'Exit codes:',
    ...EXIT_CODES.map(([code, what]) => `  ${String(code).padStart(2)}  ${what}`),
    '',
    'Every command has --help. Settings: rsrun.ini (README "rsrun.ini keys"), RSRUN_* variables, then flags.',
  ].join('\n');
}
