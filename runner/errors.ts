/**
 * Typed errors. Every failure the user can act on is an RsrunError carrying a documented exit
 * code; only `cli/main.ts` turns it into `process.exit`. Keep the original error as `cause`.
 */

/** Documented exit codes (README "Exit codes"). Scripts and Jenkins rely on these numbers. */
export const ExitCode = {
  Ok: 0,
  /** One or more SQL tests failed or errored. */
  TestsFailed: 1,
  /** Bad input or configuration: malformed INI, unknown environment, bad file name, lint error, edited applied migration. */
  BadInput: 2,
  /** A migration failed on the warehouse; nothing of it was left half-applied. */
  DeployFailed: 3,
  /** Another runner held the deployment lock longer than `lock_timeout`. */
  LockTimeout: 4,
  /** The warehouse could not be reached, refused the credentials, or dropped the connection mid-run (a re-run resumes). */
  ConnectionFailed: 5,
  /** Shipping logs/reports/metrics failed and the configuration says that must fail the run. */
  ShippingFailed: 6,
  /** Building, pushing or running the runner image failed. */
  ContainerFailed: 7,
  /** Promotion to an environment was refused (the digest did not pass the previous stage). */
  PromotionRefused: 8,
  /** `rsrun drift` (and plan/deploy with `drift = fail`): the environment's schema differs from what its migrations build. */
  Drift: 9,
  /** A bug in rsrun itself. */
  Internal: 70,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
}

export interface RsrunErrorOptions extends ErrorLocation {
  cause?: unknown;
  /** What the user should do next. Shown after the message. */
  hint?: string;
}

export class RsrunError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(message: string, exitCode: ExitCodeValue, options: RsrunErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = options.hint;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
  }

  /** `file:line:col: message` followed by the hint, as compilers print it. */
  describe(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}${this.column ? `:${this.column}` : ''}` : ''}: ` : '';
    return `${where}${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
  }
}

/** Configuration that cannot be used: malformed INI, unknown environment, missing variable. */
export class ConfigError extends RsrunError {
  constructor(message: string, options: RsrunErrorOptions = {}) {
    super(message, ExitCode.BadInput, options);
  }
}

/** A project file that cannot be used: bad name, duplicate version, unterminated quote, not UTF-8. */
export class InputError extends RsrunError {
  constructor(message: string, options: RsrunErrorOptions = {}) {
    super(message, ExitCode.BadInput, options);
  }
}

/** Applied migrations and files disagree (edited, missing or failed migration). */
export class ValidationError extends RsrunError {
  readonly problems: readonly string[];
  constructor(message: string, problems: readonly string[], options: RsrunErrorOptions = {}) {
    super(message, ExitCode.BadInput, options);
    this.problems = problems;
  }
  override describe(): string {
    return [super.describe(), ...this.problems.map((p) => `  - ${p}`)].join('\n');
  }
}

/** A statement of a migration failed on the warehouse. */
export class MigrationError extends RsrunError {
  readonly version: string | undefined;
  readonly statementIndex: number | undefined;
  readonly sqlState: string | undefined;
  constructor(message: string, options: RsrunErrorOptions & { version?: string; statementIndex?: number; sqlState?: string } = {}) {
    super(message, ExitCode.DeployFailed, options);
    this.version = options.version;
    this.statementIndex = options.statementIndex;
    this.sqlState = options.sqlState;
  }
}

export class LockTimeoutError extends RsrunError {
  constructor(message: string, options: RsrunErrorOptions = {}) {
    super(message, ExitCode.LockTimeout, options);
  }
}

/** `drift = fail`: the environment drifted from its migrations, so plan/deploy stop before changing anything. */
export class DriftError extends RsrunError {
  constructor(message: string, options: RsrunErrorOptions = {}) {
    super(message, ExitCode.Drift, options);
  }
}

export class ConnectionError extends RsrunError {
  constructor(message: string, options: RsrunErrorOptions = {}) {
    super(message, ExitCode.ConnectionFailed, options);
  }
}

export class ShippingError extends RsrunError {
  constructor(message: string, options: RsrunErrorOptions = {}) {
    super(message, ExitCode.ShippingFailed, options);
  }
}

export class ContainerError extends RsrunError {
  constructor(message: string, options: RsrunErrorOptions = {}) {
    super(message, ExitCode.ContainerFailed, options);
  }
}

/** Tests ran and some failed: not an error of rsrun, but the run's exit code is 1. */
export class TestsFailedError extends RsrunError {
  constructor(message: string) {
    super(message, ExitCode.TestsFailed);
  }
}

export function isRsrunError(err: unknown): err is RsrunError {
  return err instanceof RsrunError;
}

/** The message of anything thrown, without assuming it is an Error. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
