'use strict';
// Mocha's spec reporter plus one plain closing line, "N passed, N failed, N skipped", that CI
// systems and people can read without knowing mocha's wording.
//
// With RSRUN_TEST_TIMINGS=FILE it also writes each test file's wall time (its top-level suites,
// hooks included: the spec output shows only slow tests' own durations) to FILE as JSON, which
// scripts/test.mjs reads to say where a group's time went.
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const { Spec } = Mocha.reporters;
const { EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_SUITE_END } = Mocha.Runner.constants;

class SpecWithSummary extends Spec {
  constructor(runner, options) {
    super(runner, options);
    const timings = process.env.RSRUN_TEST_TIMINGS;
    const started = new Map();
    const seconds = {};
    if (timings) {
      runner.on(EVENT_SUITE_BEGIN, (suite) => {
        if (suite.parent?.root && suite.file) started.set(suite, Date.now());
      });
      runner.on(EVENT_SUITE_END, (suite) => {
        const t = started.get(suite);
        if (t === undefined) return;
        const file = path.relative(process.cwd(), suite.file);
        seconds[file] = (seconds[file] ?? 0) + (Date.now() - t) / 1000;
      });
    }
    runner.once(EVENT_RUN_END, () => {
      const s = this.stats;
      if (timings) {
        fs.mkdirSync(path.dirname(timings), { recursive: true });
        fs.writeFileSync(timings, `${JSON.stringify(seconds, null, 2)}\n`);
      }
      process.stdout.write(`\n${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
    });
  }
}

module.exports = SpecWithSummary;
