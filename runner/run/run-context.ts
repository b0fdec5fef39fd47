/**
 * One run of a command: its id, its directory under the reports dir, its event bus, and the
 * recorder that turns events into the RunReport. Listeners (reports, shipping, metrics) attach
 * to `events`; the engine and test runner only emit.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedConfig } from '../config/types';
import { RunEventBus, type DriftRecord, type MigrationOutcome, type RunStatus, type TestOutcome } from '../events';
import { summarize, type LintFindingRecord, type RunReport } from './run-report';

/** Sortable and unique: `20261126T011130Z-3f9a1c`. */
export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export class RunContext {
  readonly events = new RunEventBus();
  readonly startedAt = new Date();
  readonly migrations: MigrationOutcome[] = [];
  readonly tests: TestOutcome[] = [];
  readonly lint: LintFindingRecord[] = [];
  target = '';
  drift: DriftRecord | undefined;
  private finished: RunReport | undefined;
  private readonly finishers: { name: string; run: (report: RunReport, ctx: RunContext) => Promise<void> }[] = [];

  private constructor(
    readonly config: ResolvedConfig,
    readonly command: string,
    readonly runId: string,
    readonly runDir: string,
  ) {
    this.events.on('migration:finish', (m) => this.migrations.push(m));
    this.events.on('test:finish', (t) => this.tests.push(t));
    this.events.on('lint:finding', (f) => this.lint.push(f));
    this.events.on('drift:checked', (d) => (this.drift = d));
  }

  static async start(config: ResolvedConfig, command: string, runId = newRunId()): Promise<RunContext> {
    const runDir = path.join(config.project.reportsDir, runId);
    await mkdir(runDir, { recursive: true });
    const ctx = new RunContext(config, command, runId, runDir);
    ctx.events.emit('run:start', { runId, command, env: config.env.name, startedAt: ctx.startedAt });
    return ctx;
  }

  /**
   * Work that must happen once the report exists, in registration order: write report files,
   * then ship the run directory, then publish metrics. A finisher that throws an RsrunError fails
   * the run with that error; the others still run.
   */
  addFinisher(name: string, run: (report: RunReport, ctx: RunContext) => Promise<void>): void {
    this.finishers.push({ name, run });
  }

  /** Builds the report, emits `run:finish` and runs the finishers, once. Returns finisher errors. */
  async finish(status: RunStatus, exitCode: number, error?: string): Promise<{ report: RunReport; errors: unknown[] }> {
    if (this.finished) return { report: this.finished, errors: [] };
    const report = this.buildReport(status, exitCode, error);
    const errors: unknown[] = [];
    for (const finisher of this.finishers) {
      try {
        await finisher.run(report, this);
      } catch (err) {
        errors.push(err);
      }
    }
    return { report, errors };
  }

  private buildReport(status: RunStatus, exitCode: number, error?: string): RunReport {
    const finishedAt = new Date();
    const b = this.config.build;
    this.finished = {
      schemaVersion: 1,
      runId: this.runId,
      command: this.command,
      project: this.config.project.name,
      environment: this.config.env.name,
      target: this.target,
      status,
      exitCode,
      startedAt: this.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - this.startedAt.getTime(),
      build: {
        ...(b.commit ? { commit: b.commit } : {}),
        ...(b.number ? { number: b.number } : {}),
        ...(b.branch ? { branch: b.branch } : {}),
        ...(b.author ? { author: b.author } : {}),
        ...(b.url ? { url: b.url } : {}),
      },
      migrations: this.migrations,
      tests: [...this.tests].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      lint: this.lint,
      summary: summarize(this.migrations, this.tests),
      ...(this.drift ? { drift: this.drift } : {}),
      ...(error ? { error } : {}),
    };
    this.events.emit('run:finish', { runId: this.runId, status, finishedAt, exitCode, ...(error ? { error } : {}) });
    return this.finished;
  }
}
