/**
 * `rsrun report url --env prod [--run ID] [--file NAME] [--expires 1h]`: prints a link to a run's
 * report (the environment's newest run by default). With `[s3]` the link is presigned with the
 * caller's AWS credentials (GetObject), so it opens in a browser without console access; without
 * `[s3]` it is the file:// address in the local store. Only the link goes to stdout.
 * `rsrun report retain --env prod --keep N [--delete-runs]`: `[site] keep_runs` applied now.
 */
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../../config/load-config';
import { parseDuration, parseInteger } from '../../config/values';
import { InputError } from '../../errors';
import type { RunIndex } from '../../reports/site/model';
import { siteSettings } from '../../reports/site/settings';
import { openStore } from '../../shipping/index';
import { pruneSite } from '../../shipping/run-index';
import { S3Store } from '../../shipping/s3-store';
import { joinKey, type RunStore } from '../../shipping/store';
import { printLine } from '../output';
import type { CommandInput } from '../command-input';

const USAGE = 'rsrun report url --env ENV [--run RUN_ID] [--file report.html] [--expires 1h]';
const RETAIN_USAGE = 'rsrun report retain --env ENV --keep N [--delete-runs]';
/** SigV4 presigned URLs live at most 7 days. */
const MAX_EXPIRES_S = 7 * 24 * 3600;

interface UrlOptions {
  run: string | undefined;
  file: string;
  expiresS: number;
}

function urlOptions(options: Record<string, unknown>): UrlOptions {
  const str = (k: string) => (typeof options[k] === 'string' ? options[k] : undefined);
  const expiresS = Math.round(parseDuration(str('expires') ?? '1h', { key: 'expires', source: '--expires' }) / 1000);
  if (expiresS < 1 || expiresS > MAX_EXPIRES_S)
    throw new InputError(`--expires ${str('expires')} is out of range`, { hint: 'a presigned link lives from 1s to 7 days (168h)' });
  const file = str('file') ?? 'report.html';
  if (file.split('/').some((p) => p === '..' || p === '') || file.startsWith('/'))
    throw new InputError(`--file ${file} is not a file of the run folder`, {
      hint: 'give a path inside the run, e.g. run.log or sql/V1__init.sql',
    });
  return { run: str('run'), file, expiresS };
}

async function readIndex(store: RunStore, env: string): Promise<RunIndex | undefined> {
  const got = await store.get(joinKey(env, 'index.json'));
  if (!got) return undefined;
  try {
    return JSON.parse(got.body.toString('utf8')) as RunIndex;
  } catch {
    return undefined;
  }
}

const RUN_ID = /^\d{8}T\d{6}Z-[0-9a-f]+$/;

/** The run to link: the one asked for, else the environment's newest in its index. */
async function pickRun(store: RunStore, env: string, asked: string | undefined): Promise<string> {
  if (asked !== undefined) {
    if (!RUN_ID.test(asked))
      throw new InputError(`--run ${asked} is not a run id`, {
        hint: 'run ids look like 20261126T011130Z-3f9a1c (printed at the end of each run)',
      });
    return asked;
  }
  const index = await readIndex(store, env);
  const newest = index?.runs[0];
  if (!newest)
    throw new InputError(`no runs of environment ${env} in ${store.url(joinKey(env, 'index.json'))}`, {
      hint: 'ship a run first (`rsrun deploy --env ENV`), or check --env and [s3]',
    });
  return newest.runId;
}

async function url(input: CommandInput): Promise<number> {
  const options = urlOptions(input.options);
  const config = await loadConfig(input.global);
  const store = await openStore(config);
  try {
    const env = config.env.name;
    const runId = await pickRun(store, env, options.run);
    const key = joinKey(env, runId, options.file);
    // A link to a report that is not there would only show S3's NoSuchKey page.
    if (options.file === 'report.html' && !(await store.get(key)))
      throw new InputError(`no ${store.url(key)}`, {
        hint: `check --env (${env}) and --run; a run that crashed early has no report: try --file run.log`,
      });
    if (store instanceof S3Store) {
      printLine(await store.presignGet(key, options.expiresS));
      const until = new Date(Date.now() + options.expiresS * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      process.stderr.write(`presigned link to ${store.url(key)}, valid until ${until} (or until the credentials that signed it expire)\n`);
    } else {
      printLine(pathToFileURL(store.url(key)).href);
    }
    return 0;
  } finally {
    store.close();
  }
}

/** `rsrun report retain --env ENV --keep N [--delete-runs]`: retention now, objects deleted only when asked. */
async function retain(input: CommandInput): Promise<number> {
  const raw = typeof input.options.keep === 'string' ? input.options.keep : undefined;
  if (raw === undefined) throw new InputError('rsrun report retain needs --keep N', { hint: `use: ${RETAIN_USAGE}` });
  const keep = parseInteger(raw, { key: 'keep', source: '--keep' }, 1, 10_000_000);
  const config = await loadConfig(input.global);
  const store = await openStore(config);
  try {
    const env = config.env.name;
    const deleteRuns = input.options.deleteRuns === true;
    const out = await pruneSite(store, config.project.name, env, keep, { deleteRuns, settings: siteSettings(config) });
    const objects = deleteRuns
      ? `; deleted ${out.deletedObjects} objects of their run folders`
      : '; their run folders stay (--delete-runs deletes them)';
    printLine(
      `${env}: ${out.runs} run${out.runs === 1 ? '' : 's'} left the site (${out.pages} page${out.pages === 1 ? '' : 's'})${objects}`,
    );
    return 0;
  } finally {
    store.close();
  }
}

export async function run(input: CommandInput): Promise<number> {
  const action = input.operands[0];
  if (action === 'url') return url(input);
  if (action === 'retain') return retain(input);
  throw new InputError(`unknown action "rsrun report ${action ?? ''}"`, { hint: `use: ${USAGE}, or ${RETAIN_USAGE}` });
}
