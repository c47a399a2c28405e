#!/usr/bin/env node
// The `lab` command: runs the bundled CLI (built by `npm install` through the prepare script:
// tsc, then scripts/bundle.mjs).
import '../dist/bundle/lab/main.js';
