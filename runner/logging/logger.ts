/**
 * The logging port. Commands and the engine log through this interface; `create-logger.ts`
 * builds the winston implementation (terminal text or JSON lines, plus `run.log`).
 */
export type LogMeta = Record<string, unknown>;

export interface Logger {
  error(message: string, meta?: LogMeta): void;
  warn(message: string, meta?: LogMeta): void;
  info(message: string, meta?: LogMeta): void;
  debug(message: string, meta?: LogMeta): void;
  /** Adds `meta` to every line of the returned logger. */
  child(meta: LogMeta): Logger;
}

/** A logger that drops everything: for library use and unit tests. */
export const silentLogger: Logger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => silentLogger,
};
