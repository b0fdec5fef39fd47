/**
 * The winston implementation of the `Logger` port. Logs go to stderr (stdout carries command
 * results): readable lines on a terminal, JSON lines otherwise or with `--log-format json`. With a
 * `runLogPath`, every line at debug level and above is also appended as JSON to `run.log` in the
 * run directory, whatever the terminal level, so a failed CI run can be read after the fact.
 * Every message and every meta value is masked before winston sees it, with the secrets given
 * and every secret registered in the process later (secret-registry); a secret too short to mask
 * safely is masked all the same and warned about once.
 *
 *   const logger = createLogger({ level: 'info', format: 'auto', runLogPath: path.join(ctx.runDir, 'run.log'), secrets: config.secrets });
 *   logger.info('applied', { version: '1.2', durationMs: 41 });
 *   await logger.close();
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { inspect } from 'node:util';
import type winstonModule from 'winston';
import type { LogFormat, LogLevel } from '../config/types';
import { onSecretRegistered } from '../warehouse/aws/secret-registry';
import type { LogMeta, Logger } from './logger';
import { createMasker, SHORT_SECRET_LENGTH, type Masker } from './masking';

export interface CreateLoggerOptions {
  level: LogLevel;
  /** `auto`: text when `stream` is a TTY, JSON lines otherwise. */
  format: LogFormat;
  /** Append JSON lines here (the run directory's `run.log`). */
  runLogPath?: string;
  /** Literal values to mask (ResolvedConfig.secrets); patterns are masked regardless. */
  secrets: string[];
  /** Where terminal output goes; default process.stderr. */
  stream?: NodeJS.WritableStream;
}

export interface ClosableLogger extends Logger {
  readonly masker: Masker;
  /** Resolves once every line logged so far is in run.log (before uploading it). */
  flush(): Promise<void>;
  /** Flushes and closes run.log. Logging after close is dropped. */
  close(): Promise<void>;
}

const LEVELS = { error: 0, warn: 1, info: 2, debug: 3 } as const;
const COLORS: Record<string, string> = { error: '\x1b[31m', warn: '\x1b[33m', info: '\x1b[36m', debug: '\x1b[90m' };
const RESET = '\x1b[0m';

/**
 * winston and its dependencies take ~15-30 ms to load, a tenth of `rsrun plan`'s whole run; a
 * command that logs nothing at its level and keeps no run.log (plan, info, validate at
 * --log-level warn) never loads it.
 */
function loadWinston(): typeof winstonModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous and lazy on purpose (see above)
  return require('winston') as typeof winstonModule;
}

function jsonLine(winston: typeof winstonModule): winstonModule.Logform.Format {
  return winston.format.printf((info) => {
    const { level, message, timestamp, ...meta } = info;
    return JSON.stringify({ timestamp, level, message, ...meta });
  });
}

function textLine(winston: typeof winstonModule, color: boolean): winstonModule.Logform.Format {
  return winston.format.printf((info) => {
    const { level, message, timestamp, ...meta } = info;
    const time = String(timestamp).slice(11, 19);
    const name = level.toUpperCase().padEnd(5);
    const lvl = color ? `${COLORS[level] ?? ''}${name}${RESET}` : name;
    const extra = Object.entries(meta)
      .map(
        ([k, v]) =>
          `${k}=${typeof v === 'string' ? (/\s/.test(v) ? JSON.stringify(v) : v) : inspect(v, { depth: 4, breakLength: Infinity })}`,
      )
      .join(' ');
    return `${time} ${lvl} ${String(message)}${extra ? `  ${extra}` : ''}`;
  });
}

export function createLogger(options: CreateLoggerOptions): ClosableLogger {
  const stream = options.stream ?? process.stderr;
  // `isTTY` is undefined (not false) on a non-terminal stream, whatever Node's types say.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion
  const isTty = Boolean((stream as NodeJS.WriteStream).isTTY);
  const asText = options.format === 'text' || (options.format === 'auto' && isTty);
  const masker = createMasker(options.secrets);

  let file: WriteStream | undefined;
  if (options.runLogPath) {
    file = createWriteStream(options.runLogPath, { flags: 'a', encoding: 'utf8' });
    // A failing disk must not crash a deployment; the terminal still has the lines.
    file.on('error', (err) => stream.write(`rsrun: cannot write ${options.runLogPath}: ${masker.mask(err.message)}\n`));
  }
  let impl: winstonModule.Logger | undefined;
  const winstonLogger = (): winstonModule.Logger => {
    if (impl) return impl;
    const winston = loadWinston();
    const transports: winstonModule.transport[] = [
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- winston's own Stream transport; its typings declare the transport classes apart
      new winston.transports.Stream({
        stream,
        level: options.level,
        format: winston.format.combine(winston.format.timestamp(), asText ? textLine(winston, isTty) : jsonLine(winston)),
      }),
    ];
    if (file) {
      transports.push(
        // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- as above
        new winston.transports.Stream({
          stream: file,
          level: 'debug',
          format: winston.format.combine(winston.format.timestamp(), jsonLine(winston)),
        }),
      );
    }
    impl = winston.createLogger({ levels: LEVELS, level: 'debug', transports, exitOnError: false });
    return impl;
  };
  const wanted = (level: LogLevel): boolean => file !== undefined || LEVELS[level] <= LEVELS[options.level];
  // The run log gets a line per test and per migration: lines logged in one turn of the event loop
  // reach the file in one write (fs.WriteStream's writev) instead of a system call each.
  let corked = false;
  const batchTurn = (): void => {
    const target = file;
    if (!target || corked) return;
    corked = true;
    target.cork();
    setImmediate(() => {
      corked = false;
      target.uncork();
    });
  };
  let closed = false;
  const warnedShort = new Set<string>();

  const make = (defaults: LogMeta): Logger => {
    const log = (level: LogLevel, message: string, meta?: LogMeta): void => {
      if (closed || !wanted(level)) return;
      const fields = masker.maskDeep({ ...defaults, ...meta }) as LogMeta;
      // `level`/`message` are winston's own fields: keep a caller's value under another name.
      for (const k of ['level', 'message', 'timestamp']) {
        if (k in fields) {
          fields[`meta.${k}`] = fields[k];
          // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- fields is a plain record of log fields
          delete fields[k];
        }
      }
      batchTurn();
      winstonLogger().log({ ...fields, level, message: masker.mask(message) });
    };
    return {
      error: (m, meta) => log('error', m, meta),
      warn: (m, meta) => log('warn', m, meta),
      info: (m, meta) => log('info', m, meta),
      debug: (m, meta) => log('debug', m, meta),
      child: (meta) => make({ ...defaults, ...meta }),
    };
  };

  const root = make({});
  const learn = (secret: string): void => {
    masker.add(secret);
    if (secret.length >= SHORT_SECRET_LENGTH || warnedShort.has(secret)) return;
    warnedShort.add(secret);
    root.warn(
      // Worded without any word a short secret could be ("rsrun"): this line is masked too.
      `a configured secret is only ${secret.length} characters long, too short to mask safely: every occurrence of it in logs and reports is replaced by ***, ordinary words included`,
      { hint: `use a password of at least ${SHORT_SECRET_LENGTH} characters` },
    );
  };
  options.secrets.forEach(learn);
  // Secrets registered before this logger existed are masked; only the ones given to it, and those
  // learned while it runs (the run's own), are warned about.
  let replaying = true;
  const unsubscribe = onSecretRegistered((secret) => (replaying ? masker.add(secret) : learn(secret)));
  replaying = false;

  // winston hands lines to transports on later ticks; wait for that, then for the file's queue.
  const drain = async (): Promise<void> => {
    await new Promise((resolve) => setImmediate(resolve));
    if (file && !file.destroyed && !file.writableEnded) await new Promise<void>((resolve) => file.write('', () => resolve()));
  };

  return {
    ...root,
    masker,
    flush: drain,
    async close() {
      if (closed) return;
      unsubscribe();
      await drain();
      closed = true;
      const logger = impl;
      if (logger) {
        await new Promise<void>((resolve) => {
          logger.once('finish', () => resolve());
          logger.end();
        });
      }
      if (file && !file.destroyed) await new Promise<void>((resolve) => file.end(() => resolve()));
    },
  };
}
