/**
 * The schema the emulation installs its functions and views in (compat-schema.ts). A module of its
 * own so the files whose SQL compat-schema.ts installs can name the schema without importing
 * compat-schema.ts, which imports them.
 */
export const COMPAT_SCHEMA = 'rsrun_compat';
