#!/usr/bin/env node
'use strict';
// dist/rsrun.js is the whole CLI in one file (scripts/build.mjs).
require('../dist/rsrun.js').main(process.argv.slice(2));
