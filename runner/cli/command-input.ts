/**
 * What every command receives and returns. Kept apart from program.ts (which loads the commands)
 * so that a command's import of these types does not form a cycle with the program.
 */
import type { ConfigFlags } from '../config/types';

/** Global flags, parsed once; `config/load-config.ts` resolves them into a ResolvedConfig. */
export interface GlobalFlags extends ConfigFlags {
  json?: boolean;
}

export interface CommandInput {
  global: GlobalFlags;
  /** The command's own options, as commander parsed them. */
  options: Record<string, unknown>;
  /** Positional operands. */
  operands: string[];
}

/** A command body: returns the process exit code or throws an RsrunError. */
export type CommandRun = (input: CommandInput) => Promise<number>;
