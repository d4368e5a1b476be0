// The spec reporter, plus the totals written to a file so run-tests.js can print one summary line.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class CountingSpec extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      if (process.env.TEST_COUNTS_FILE) {
        const { passes, failures, pending } = this.stats;
        fs.writeFileSync(process.env.TEST_COUNTS_FILE, JSON.stringify({ passes, failures, pending }));
      }
    });
  }
}
module.exports = CountingSpec;
