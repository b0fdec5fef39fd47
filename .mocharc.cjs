'use strict';
// Tests run from TypeScript source through tsx; `npm test` type-checks and builds first,
// so tests that spawn the CLI exercise the compiled `bin/rsrun.js` a user would run.
// The spec is given on the command line (scripts/test.mjs, run by npm test), so `npx mocha FILE` runs FILE alone.
module.exports = {
  'node-option': ['import=tsx'],
  require: ['test/support/mocha-hooks.ts'],
  timeout: 120000,
  slow: 5000,
  forbidOnly: Boolean(process.env.CI),
  forbidPending: Boolean(process.env.CI),
  reporter: './test/support/reporter.cjs',
};
