/**
 * Option defaults of the database commands, defined once: program.ts declares them (commander
 * shows and applies them) and options.ts reads the parsed values. No imports, so `rsrun --help`
 * loads nothing for them. The container commands' defaults are in container/command-options.ts.
 */
export const DEFAULT_BASELINE_DESCRIPTION = '<< baseline >>';
export const LINT_FORMATS = ['text', 'json', 'junit'] as const;
export const DEFAULT_LINT_FORMAT: (typeof LINT_FORMATS)[number] = 'text';
