/**
 * Running a tool as a child process the way a user would, and measuring it: wall time, exit
 * code, captured output, and peak resident memory: the kernel's own figure (GNU time, from wait4's
 * rusage) where /usr/bin/time exists, else VmHWM sampled from /proc while the child runs.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export interface RunResult {
  command: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
  /** Highest VmHWM seen for the child's own process (kB → bytes); 0 if never sampled. */
  peakRssBytes: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions extends Pick<SpawnOptions, 'cwd' | 'env'> {
  /** Kill the child after this long (bounded benchmarks); default 10 minutes. */
  timeoutMs?: number;
  /** Sample /proc/PID/status for peak RSS every this many ms (0 = off). */
  sampleRssMs?: number;
  /**
   * Peak RSS as the kernel counts it for the whole life of the child (GNU time's `%M`, from
   * wait4's rusage), when /usr/bin/time is installed; then no sampling is needed or done.
   */
  kernelPeakRss?: boolean;
  /** Keep at most this many characters of each stream (the tail). */
  keepOutput?: number;
  /** Data written to the child's stdin, then closed. */
  input?: string;
}

export async function readPeakRss(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const GNU_TIME = '/usr/bin/time';

/** Runs `file args` to completion; never throws for a non-zero exit (the caller judges). */
export async function runProcess(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  if (!options.kernelPeakRss || !existsSync(GNU_TIME)) return runChild(file, args, options);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rsrun-bench-time-'));
  try {
    const out = path.join(dir, 'maxrss');
    const r = await runChild(GNU_TIME, ['-f', '%M', '-o', out, file, ...args], { ...options, sampleRssMs: 0 }, true);
    // The file's last line is the figure (kB); a line before it may say how the command exited.
    const kb = Number((await readFile(out, 'utf8')).trim().split('\n').pop());
    return { ...r, command: [file, ...args].join(' '), peakRssBytes: Number.isFinite(kb) ? kb * 1024 : 0 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `group`: the child leads its own process group, and a timeout kills the group (GNU time passes no signal on). */
function runChild(file: string, args: readonly string[], options: RunOptions, group = false): Promise<RunResult> {
  const keep = options.keepOutput ?? 20_000;
  const started = performance.now();
  const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: group });
  let stdout = '';
  let stderr = '';
  let peak = 0;
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    stdout = (stdout + s).slice(-keep);
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    stderr = (stderr + s).slice(-keep);
  });
  child.stdin!.on('error', () => undefined);
  child.stdin!.end(options.input ?? '');
  let sampler: NodeJS.Timeout | undefined;
  if (options.sampleRssMs && child.pid) {
    const pid = child.pid;
    sampler = setInterval(() => {
      void readPeakRss(pid).then((v) => {
        if (v > peak) peak = v;
      });
    }, options.sampleRssMs);
  }
  const killer = setTimeout(() => {
    if (group && child.pid) process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  }, options.timeoutMs ?? 600_000);
  return new Promise((resolve, reject) => {
    child.on('error', (err) => {
      clearTimeout(killer);
      if (sampler) clearInterval(sampler);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      const wallMs = performance.now() - started;
      clearTimeout(killer);
      if (sampler) clearInterval(sampler);
      // Streams may still hold the last bytes: wait for them to close.
      let open = 2;
      const done = () => {
        if (--open > 0) return;
        resolve({ command: [file, ...args].join(' '), exitCode: code, signal, wallMs, peakRssBytes: peak, stdout, stderr });
      };
      if (child.stdout!.closed) done();
      else child.stdout!.once('close', done);
      if (child.stderr!.closed) done();
      else child.stderr!.once('close', done);
    });
  });
}

/** Like runProcess, but an exit code other than 0 is an error carrying the output. */
export async function runChecked(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const r = await runProcess(file, args, options);
  if (r.exitCode !== 0) {
    throw new Error(
      `${r.command} exited ${r.exitCode ?? r.signal}\n--- stderr (tail) ---\n${r.stderr.slice(-3000)}\n--- stdout (tail) ---\n${r.stdout.slice(-2000)}`,
    );
  }
  return r;
}

/**
 * The line of a failed command's stderr that says what went wrong: rsrun's own `rsrun: error: ...`
 * line first. The program name may show as `***` there: the bench's default password is `rsrun`,
 * and rsrun masks its secrets wherever they appear.
 */
export function errorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /^(rsrun|\*\*\*): /.test(l)) ?? lines[lines.length - 1] ?? '(no output)';
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Whether an executable is on PATH (or at an absolute path). */
export async function hasCommand(name: string): Promise<boolean> {
  try {
    const r = await runProcess('sh', ['-c', 'command -v "$1"', 'sh', name], { timeoutMs: 5000 });
    return r.exitCode === 0;
  } catch {
    return false;
  }
}
