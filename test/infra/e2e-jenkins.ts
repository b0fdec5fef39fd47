/**
 * A minimal, honest stand-in for the Jenkins agent that runs a parsed Jenkinsfile (./jenkinsfile.ts):
 * stages in order, `when { branch }`, a failed stage skipping the rest, `post { always }` per stage
 * and for the pipeline. `sh` steps run for real (`sh -xe`, as Jenkins runs them) in the workspace
 * with the environment Jenkins would give them; the Jenkins-only steps are emulated and say so:
 *
 *   checkout scm     git clone of the "remote" at GIT_COMMIT into the workspace (detached HEAD)
 *   withCredentials  the bound variables exist only for the steps inside; their values are masked
 *                    in the console, and the raw output is kept to prove they never reached it
 *   junit            every matched file must be well-formed XML (xmllint) whose root is <testsuites>
 *                    or <testsuite>, as the JUnit plugin's parser requires (it ignores attributes
 *                    it does not know, so no stricter schema is applied); test counts are recorded
 *   archiveArtifacts matched files are copied to the build's archive directory (outside the workspace)
 *   input            auto-approved after printing the (interpolated) message
 *   echo             printed, with `${env.NAME}` / `${env.NAME ?: 'default'}` interpolated
 *   cleanWs          the workspace directory is deleted
 *   timeout          wrapper only: its body runs (the parser inlines it); each sh is bounded instead
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Pipeline, Stage, Step } from './jenkinsfile';

export const EMULATED_STEPS = ['checkout', 'withCredentials', 'junit', 'archiveArtifacts', 'input', 'echo', 'cleanWs', 'timeout'] as const;

export interface StageResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Exit code of the failing sh step (0 when passed; undefined when skipped or failed elsewhere). */
  exitCode: number | undefined;
  reason: string | undefined;
  durationMs: number;
}

export interface JunitRecord {
  stage: string;
  file: string;
  tests: number;
  failures: number;
  errors: number;
}

export interface BuildResult {
  /** SUCCESS, FAILURE, or UNSTABLE (JUnit failures recorded, every stage passed). */
  result: 'SUCCESS' | 'FAILURE' | 'UNSTABLE';
  stages: StageResult[];
  /** `post { always }` of the pipeline: each step and whether it passed. */
  post: { step: string; ok: boolean; detail: string }[];
  junit: JunitRecord[];
  archived: string[];
  /** Every sh script run, in order, with its exit code (what the build actually executed). */
  commands: { stage: string; script: string; exitCode: number }[];
  /** The console as Jenkins would show it (bound secrets masked). */
  console: string;
  /** The same before masking, to prove no secret was printed in the first place. */
  rawConsole: string;
}

export interface BuildOptions {
  pipeline: Pipeline;
  /** The repository `checkout scm` clones from, and the commit it checks out. */
  remote: string;
  commit: string;
  workspace: string;
  /** Where archiveArtifacts copies to (Jenkins: builds/N/archive). */
  archiveDir: string;
  /** The environment of the agent process plus what Jenkins sets for the build (BUILD_NUMBER, ...). */
  env: Record<string, string>;
  /** Values for `withCredentials` by credentials id: variable name -> value. */
  credentials: Record<string, Record<string, string>>;
  /** Replaces a stage's sh script by another (documented by the caller); applied and printed. */
  substitute?: (stage: string, script: string) => string | undefined;
  /** Harness preparation right after `checkout scm` (printed as such), e.g. seeding a cache. */
  afterCheckout?: (workspace: string) => Promise<string>;
  /** Called after the stages, before the pipeline's `post { always }` (which cleans the workspace). */
  inspectBeforePost?: (workspace: string) => Promise<void>;
  /** Upper bound for one sh step. */
  stepTimeoutMs: number;
  /** Console lines also go here as they happen (e.g. a file, or stderr when debugging). */
  consoleFile?: string;
}

class StepFailed extends Error {
  constructor(
    message: string,
    readonly exitCode: number | undefined,
  ) {
    super(message);
  }
}

/** Ant-style pattern (`reports/**\/junit.xml`) to a RegExp over workspace-relative paths. */
export function antPattern(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (pattern.startsWith('**/', i)) {
      re += '(?:[^/]+/)*';
      i += 2;
    } else if (pattern.startsWith('**', i)) {
      re += '.*';
      i += 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

async function walk(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => [])) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(dir, r)));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

/** Files of the workspace matching an Ant pattern (searched under the pattern's fixed leading directory). */
export async function matchFiles(workspace: string, pattern: string): Promise<string[]> {
  // archiveArtifacts/junit take a comma-separated list of Ant patterns (Ant fileset `includes`).
  const patterns = pattern
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (patterns.length > 1) return [...new Set((await Promise.all(patterns.map((p) => matchFiles(workspace, p)))).flat())].sort();
  const fixed = pattern
    .split('/')
    .filter((_, i, parts) => i < parts.length - 1 && !parts.slice(0, i + 1).some((p) => /[*?]/.test(p)))
    .join('/');
  const re = antPattern(pattern);
  const files = await walk(workspace, fixed);
  return files.filter((f) => re.test(f)).sort();
}

/** `${env.NAME}` and `${env.NAME ?: 'literal'}`, the only Groovy interpolations the Jenkinsfiles use. */
export function interpolateGroovy(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{([^}]*)\}/g, (whole, expr: string) => {
    const m = /^\s*env\.([A-Za-z_]\w*)\s*(?:\?:\s*'([^']*)'\s*)?$/.exec(expr);
    if (!m) throw new Error(`the harness cannot interpolate ${whole}`);
    const v = env[m[1] as string];
    return v !== undefined && v !== '' ? v : (m[2] ?? 'null');
  });
}

function junitCounts(xml: string): { tests: number; failures: number; errors: number } {
  // Counted from the testcase elements themselves, not from the summary attributes.
  const cases = xml.match(/<testcase\b[^>]*?(?:\/>|>[\s\S]*?<\/testcase>)/g) ?? [];
  return {
    tests: cases.length,
    failures: cases.filter((c) => /<failure\b/.test(c)).length,
    errors: cases.filter((c) => /<error\b/.test(c)).length,
  };
}

export async function runBuild(o: BuildOptions): Promise<BuildResult> {
  // Like the credentials-binding plugin, mask the secret part of each credential (a username is shown).
  const secrets = Object.values(o.credentials)
    .flatMap((c) =>
      Object.entries(c)
        .filter(([k]) => /PASSWORD|TOKEN|SECRET/i.test(k))
        .map(([, v]) => v),
    )
    .filter((v) => v.length > 0);
  const mask = (s: string) => secrets.reduce((t, v) => t.split(v).join('****'), s);
  let raw = '';
  const print = async (line: string) => {
    raw += `${line}\n`;
    if (o.consoleFile) await appendFile(o.consoleFile, `${mask(line)}\n`);
  };
  const result: BuildResult = {
    result: 'SUCCESS',
    stages: [],
    post: [],
    junit: [],
    archived: [],
    commands: [],
    console: '',
    rawConsole: '',
  };

  const sh = async (stage: string, script: string, env: Record<string, string>): Promise<void> => {
    const replaced = o.substitute?.(stage, script);
    if (replaced !== undefined)
      await print(`[harness] substitution in "${stage}": ${JSON.stringify(script)} runs as ${JSON.stringify(replaced)}`);
    const run = replaced ?? script;
    await print('[Pipeline] sh');
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn('/bin/sh', ['-xe', '-c', run], { cwd: o.workspace, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      // Whole lines to the console, as Jenkins shows them (stdout and stderr interleaved by line).
      let pending = Promise.resolve();
      const partial = { out: '', err: '' };
      const onData = (which: 'out' | 'err') => (chunk: Buffer) => {
        const text = partial[which] + chunk.toString('utf8');
        const cut = text.lastIndexOf('\n');
        partial[which] = cut < 0 ? text : text.slice(cut + 1);
        if (cut >= 0) pending = pending.then(() => print(text.slice(0, cut)));
      };
      child.stdout.on('data', onData('out'));
      child.stderr.on('data', onData('err'));
      const timer = setTimeout(() => {
        void print(`[harness] sh step exceeded ${o.stepTimeoutMs} ms: killing it`);
        try {
          process.kill(-(child.pid as number), 'SIGKILL');
        } catch {
          // already gone
        }
      }, o.stepTimeoutMs);
      child.on('error', reject);
      child.on('close', (c, signal) => {
        clearTimeout(timer);
        for (const rest of [partial.out, partial.err]) if (rest) pending = pending.then(() => print(rest));
        void pending.then(() => resolve(c ?? (signal ? 128 + 9 : 1)));
      });
    });
    result.commands.push({ stage, script: run, exitCode: code });
    if (code !== 0) throw new StepFailed(`script returned exit code ${code}`, code);
  };

  const step = async (stage: string, s: Step, env: Record<string, string>): Promise<void> => {
    switch (s.kind) {
      case 'sh':
        return sh(stage, s.script, env);
      case 'checkout': {
        await print(`[Pipeline] checkout (emulated: git clone ${o.remote} at ${o.commit})`);
        await rm(o.workspace, { recursive: true, force: true });
        const git = async (args: string[], cwd?: string) => {
          const code = await new Promise<number>((resolve, reject) => {
            const child = spawn('git', args, { cwd: cwd ?? path.dirname(o.workspace), stdio: 'ignore' });
            child.on('error', reject);
            child.on('close', (c) => resolve(c ?? 1));
          });
          if (code !== 0) throw new StepFailed(`git ${args.join(' ')} exited ${code}`, code);
        };
        await git(['clone', '--quiet', '--no-checkout', o.remote, o.workspace]);
        await git(['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', o.commit], o.workspace);
        if (o.afterCheckout) await print(`[harness] after checkout: ${await o.afterCheckout(o.workspace)}`);
        return;
      }
      case 'credentials': {
        const values = o.credentials[s.id];
        if (!values) throw new StepFailed(`withCredentials: no credentials with id "${s.id}"`, undefined);
        const missing = s.variables.filter((v) => values[v] === undefined);
        if (missing.length > 0) throw new StepFailed(`withCredentials(${s.id}): no value for ${missing.join(', ')}`, undefined);
        await print(`[Pipeline] withCredentials (emulated: ${s.variables.join(', ')} bound from "${s.id}", masked)`);
        for (const inner of s.steps) await step(stage, inner, { ...env, ...values });
        return;
      }
      case 'junit': {
        const files = await matchFiles(o.workspace, s.pattern);
        await print(`[Pipeline] junit (emulated: ${files.length} file(s) for ${s.pattern}, each parsed as JUnit XML)`);
        if (files.length === 0 && !s.allowEmpty) throw new StepFailed(`junit: no test report files were found for ${s.pattern}`, undefined);
        const { validateXML } = await import('xmllint-wasm');
        for (const f of files) {
          const xml = await readFile(path.join(o.workspace, f), 'utf8');
          const v = await validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], normalization: 'format' });
          if (!v.valid) throw new StepFailed(`junit: ${f} is not well-formed XML: ${v.errors.map((e) => e.message).join('; ')}`, undefined);
          const root = /^(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<([A-Za-z]+)/.exec(xml.trimStart())?.[1];
          if (root !== 'testsuites' && root !== 'testsuite')
            throw new StepFailed(`junit: ${f} has root <${root ?? '?'}>, not <testsuites> or <testsuite>`, undefined);
          const counts = junitCounts(xml);
          result.junit.push({ stage, file: f, ...counts });
          await print(`  ${f}: ${counts.tests} tests, ${counts.failures} failures, ${counts.errors} errors`);
          if (counts.failures + counts.errors > 0 && result.result === 'SUCCESS') result.result = 'UNSTABLE';
        }
        return;
      }
      case 'archive': {
        const files = await matchFiles(o.workspace, s.pattern);
        await print(`[Pipeline] archiveArtifacts (emulated: ${files.length} file(s) for ${s.pattern} copied to the build archive)`);
        for (const f of files) {
          await mkdir(path.dirname(path.join(o.archiveDir, f)), { recursive: true });
          await copyFile(path.join(o.workspace, f), path.join(o.archiveDir, f));
          result.archived.push(f);
        }
        return;
      }
      case 'input':
        await print(`[Pipeline] input (emulated, auto-approved): ${interpolateGroovy(s.message, env)}`);
        return;
      case 'echo':
        await print(interpolateGroovy(s.text, env));
        return;
      case 'cleanWs':
        await print('[Pipeline] cleanWs (emulated: the workspace is deleted)');
        await rm(o.workspace, { recursive: true, force: true });
        return;
    }
  };

  const runStage = async (stage: Stage, failedBefore: boolean): Promise<StageResult> => {
    const started = Date.now();
    if (failedBefore) {
      await print(`[Pipeline] { (${stage.name})\nStage "${stage.name}" skipped due to earlier failure(s)`);
      return { name: stage.name, status: 'skipped', exitCode: undefined, reason: 'earlier failure', durationMs: 0 };
    }
    if (stage.branch !== undefined && o.env.BRANCH_NAME !== stage.branch) {
      await print(`[Pipeline] { (${stage.name})\nStage "${stage.name}" skipped due to when conditional`);
      return { name: stage.name, status: 'skipped', exitCode: undefined, reason: `branch is not ${stage.branch}`, durationMs: 0 };
    }
    if (stage.notBranch !== undefined && o.env.BRANCH_NAME === stage.notBranch) {
      await print(`[Pipeline] { (${stage.name})\nStage "${stage.name}" skipped due to when conditional`);
      return { name: stage.name, status: 'skipped', exitCode: undefined, reason: `branch is ${stage.notBranch}`, durationMs: 0 };
    }
    await print(`[Pipeline] { (${stage.name})`);
    let failure: StepFailed | undefined;
    try {
      for (const s of stage.steps) await step(stage.name, s, o.env);
    } catch (err) {
      failure = err instanceof StepFailed ? err : new StepFailed(err instanceof Error ? err.message : String(err), undefined);
      await print(`ERROR: ${failure.message}`);
    }
    for (const s of stage.always) {
      try {
        await step(stage.name, s, o.env);
      } catch (err) {
        const f = err instanceof StepFailed ? err : new StepFailed(err instanceof Error ? err.message : String(err), undefined);
        await print(`ERROR (post): ${f.message}`);
        failure ??= f;
      }
    }
    return {
      name: stage.name,
      status: failure ? 'failed' : 'passed',
      exitCode: failure ? failure.exitCode : 0,
      reason: failure?.message,
      durationMs: Date.now() - started,
    };
  };

  await mkdir(path.dirname(o.workspace), { recursive: true });
  for (const stage of o.pipeline.stages) {
    const failedBefore = result.stages.some((s) => s.status === 'failed');
    result.stages.push(await runStage(stage, failedBefore));
  }
  if (result.stages.some((s) => s.status === 'failed')) result.result = 'FAILURE';
  await o.inspectBeforePost?.(o.workspace);
  await print('[Pipeline] Declarative: Post Actions');
  for (const s of o.pipeline.always) {
    const label = s.kind === 'sh' ? `sh ${s.script}` : s.kind;
    try {
      if (!existsSync(o.workspace)) await mkdir(o.workspace, { recursive: true });
      await step('post', s, o.env);
      result.post.push({ step: label, ok: true, detail: '' });
    } catch (err) {
      result.post.push({ step: label, ok: false, detail: err instanceof Error ? err.message : String(err) });
      result.result = 'FAILURE';
    }
  }
  await print(`Finished: ${result.result}`);
  result.rawConsole = raw;
  result.console = mask(raw);
  return result;
}
