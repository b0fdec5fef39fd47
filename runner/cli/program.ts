/**
 * The command-line surface: global options and one line per command. Command bodies live in
 * `commands/*.ts` and are imported only when that command runs, so `--version` and `--help`
 * load nothing heavy.
 */
import { Command, Option } from 'commander';
import type { CommandInput, CommandRun, GlobalFlags } from './command-input';
import { VERSION } from '../version';
import { DEFAULT_BASELINE_DESCRIPTION, DEFAULT_LINT_FORMAT, LINT_FORMATS } from './defaults';
import { configureContainerCommand, configureImageCommand, configurePipelineCommand } from '../container/command-options';
import { GLOBAL_OPTIONS, configureSubcommandHelp, isGlobalOption, mainHelpText, markGlobal, unusedGlobals } from './help';

type Loader = () => Promise<{ run: CommandRun }>;

const GLOBAL_KEYS = GLOBAL_OPTIONS.map((o) => o.key);

/** Adds the global options a command does not define itself (container/pipeline own --env). */
function withGlobalOptions(cmd: Command): void {
  for (const { flags, description } of GLOBAL_OPTIONS) {
    const long = /--[a-z-]+/.exec(flags)?.[0] as string;
    const short = /^-[a-zA-Z],/.exec(flags)?.[0].slice(0, 2);
    const taken = cmd.options.some((o) => o.long === long || (short !== undefined && o.short === short));
    if (taken) continue;
    const option = new Option(flags, description);
    markGlobal(option);
    cmd.addOption(option);
  }
}

export function buildProgram(onRun: (loader: Loader, input: CommandInput) => Promise<void>): Command {
  const program = new Command('rsrun')
    .description('Deploy and test versioned SQL on Amazon Redshift (and its embedded local stand-in).')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    // Usage errors become CommanderErrors that cli/main.ts maps to exit code 2; set before the
    // commands are added so that they inherit it.
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    // Needed by `container run ... [runner-args...]`, which passes options after its operands through.
    .enablePositionalOptions();
  withGlobalOptions(program);
  program.addHelpText('after', mainHelpText());

  const add = (name: string, description: string, load: Loader, configure?: (cmd: Command) => void): Command => {
    const cmd = program.command(name).description(description);
    configure?.(cmd);
    withGlobalOptions(cmd);
    configureSubcommandHelp(cmd);
    cmd.action(async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const operands = (args.slice(0, -2) as (string | string[])[]).flat().filter((a): a is string => typeof a === 'string');
      const own = command.opts();
      const global: GlobalFlags = { ...program.opts<GlobalFlags>() };
      for (const key of GLOBAL_KEYS) if (own[key] !== undefined) (global as Record<string, unknown>)[key] = own[key];
      // Given before the command, or after it where the command took the global option (container's own --env is its own).
      const given: Record<string, unknown> = {};
      for (const k of GLOBAL_KEYS) {
        const sub = command.options.find((o) => o.attributeName() === k);
        given[k] = (sub && isGlobalOption(sub) ? own[k] : undefined) ?? program.opts()[k];
      }
      for (const warning of unusedGlobals(command.name(), given)) process.stderr.write(`rsrun: warning: ${warning}\n`);
      await onRun(load, { global, options: own, operands });
    });
    return cmd;
  };
  const json = (cmd: Command) => cmd.option('--json', 'print machine-readable JSON on stdout');

  add(
    'init [dir]',
    'write a new project (rsrun.ini, an example migration and test, .gitignore), or adopt a Flyway or seed-sample layout in place',
    () => import('./commands/init.js'),
    (cmd) =>
      cmd
        .option('--from-flyway <dir>', "adopt a Flyway project: flyway.conf's url/user become [env.flyway], its SQL stays in place")
        .option('--from-seed <dir>', "adopt the seed sample's layout: changeset INI, test_cases.ini and dw_config.ini read in place")
        .option('--name <name>', 'project name (default: the folder name)'),
  );
  add(
    'plan',
    'show pending migrations and their SQL, after the drift check ([env.*] drift); changes nothing',
    () => import('./commands/plan.js'),
    (cmd) => {
      json(cmd);
      cmd.option('--drift-report <file>', 'also write the drift check as an HTML page (for CI to archive)');
    },
  );
  add(
    'drift',
    "compare the environment's schema with what its applied migrations build (exit 9 when they differ); changes nothing",
    () => import('./commands/drift.js'),
    (cmd) => {
      json(cmd);
      cmd
        .option('--format <format>', 'text | json | junit | html', 'text')
        .option('--accept', 'write a migration capturing the actual state of the drifted objects (the warehouse is not changed)');
    },
  );
  add('migrate', 'apply pending migrations', () => import('./commands/migrate.js'), json);
  add('info', 'list applied and pending migrations', () => import('./commands/info.js'), json);
  add('validate', 'check applied migrations against the files (checksums, missing, failed)', () => import('./commands/validate.js'), json);
  add(
    'repair',
    'remove failed history rows, realign checksums of edited migrations, release a stale lock',
    () => import('./commands/repair.js'),
    json,
  );
  add(
    'baseline',
    'mark an existing warehouse as being at a version',
    () => import('./commands/baseline.js'),
    (cmd) => {
      json(cmd);
      cmd.requiredOption('--version <version>', 'baseline version: migrations up to it count as applied');
      cmd.option('--description <text>', 'history description', DEFAULT_BASELINE_DESCRIPTION);
    },
  );
  add(
    'undo',
    'run undo (U) scripts newest first, down to a version',
    () => import('./commands/undo.js'),
    (cmd) => {
      json(cmd);
      cmd.requiredOption('--to <version>', 'undo every applied version newer than this one');
    },
  );
  add(
    'lint',
    'static Redshift checks on migrations and SQL tests; connects to nothing (exit 2 on errors)',
    () => import('./commands/lint.js'),
    (cmd) =>
      cmd
        .option('--format <format>', LINT_FORMATS.join(' | '), DEFAULT_LINT_FORMAT)
        .option('--junit <file>', 'also write JUnit XML for Jenkins to this file'),
  );
  add(
    'test',
    'run the SQL tests (each in a rolled-back transaction) and write junit.xml, report.json, report.html',
    () => import('./commands/test.js'),
    (cmd) => {
      json(cmd);
      cmd
        .option('--grep <regex>', 'only tests whose id (suite::name) matches')
        .option('--tag <tag>', 'only tests with this tag (repeatable)', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
        .option('--shard <i/n>', 'run shard i of n (stable, balanced; union of all shards = the suite)')
        .option('--concurrency <n>', 'parallel tests (default 5: Redshift default WLM slots)')
        .option('--timeout <duration>', 'per-test timeout, cancelled on the server (e.g. 30s)')
        .option('--durations-from <report.json>', 'balance shards by the durations of a previous run');
    },
  );
  add(
    'deploy',
    'lint, migrate, then test; write reports and ship them',
    () => import('./commands/deploy.js'),
    (cmd) => {
      json(cmd);
      cmd.addOption(new Option('--no-tests', 'migrate only'));
    },
  );
  add(
    'ship [run-dirs...]',
    'upload spooled runs (reports to S3, metrics to CloudWatch), or the run directories given',
    () => import('./commands/ship.js'),
    json,
  );
  add(
    'report <action>',
    "url: print a link to a run's report in the report site (presigned with [s3]; the newest run unless --run) | retain: list only the newest --keep N runs in the site",
    () => import('./commands/report.js'),
    (cmd) =>
      cmd
        .option('--run <run-id>', 'the run (default: the newest of --env)')
        .option('--file <name>', 'a file of the run folder instead of report.html (run.log, junit.xml, sql/...)')
        .option('--expires <duration>', 'how long a presigned link stays valid (1s to 168h)', '1h')
        .option('--keep <n>', 'retain: runs to keep listed per environment (older pages of 250 leave the site)')
        .option('--delete-runs', 'retain: also delete the folders of the runs that leave (default: objects stay)'),
  );
  add(
    'reports <action>',
    'prune: delete local run directories but the newest N (runs not shipped yet are kept)',
    () => import('./commands/reports.js'),
    (cmd) => {
      json(cmd);
      cmd.option('--keep <n>', 'run directories to keep (default: [project] keep_runs)');
    },
  );
  add(
    'local <action>',
    'start | stop | status the resident local server that keeps the embedded warehouse running between commands',
    () => import('./commands/local.js'),
    (cmd) => {
      json(cmd);
      cmd.option('--idle-timeout <duration>', 'start: stop after this long with no client (default 15m)');
      // For `serve`, the server process `start` launches.
      cmd.addOption(new Option('--state-dir <dir>').hideHelp()).addOption(new Option('--env-name <name>').hideHelp());
    },
  );
  add(
    'env <action>',
    'branch environments: create | drop a database of their own on the base environment (--from BASE --name NAME), list them, gc --older-than 7d',
    () => import('./commands/env.js'),
    (cmd) => {
      json(cmd);
      cmd
        .option('--from <env>', 'the base environment (default: --env)')
        .option('--name <name>', 'the branch environment (any branch name; target it with --env BASE:NAME)')
        .option('--older-than <duration>', 'gc: drop those unused for longer than this (e.g. 7d, 12h)');
    },
  );
  add(
    'image <action>',
    'build | push the runner image (Docker engine API); prints the refs / the pushed digest',
    () => import('./commands/image.js'),
    configureImageCommand,
  );
  add(
    'container <action> [runner-args...]',
    'run: run the runner image against --env and exit with its exit code',
    () => import('./commands/container.js'),
    configureContainerCommand,
  );
  add(
    'pipeline',
    'build, push, run on test, promote the same digest to prod, print a stage summary',
    () => import('./commands/pipeline.js'),
    configurePipelineCommand,
  );
  return program;
}
