#!/usr/bin/env node
// The `lab` command: runs the compiled CLI (built by `npm install` through the prepare script).
import '../dist/lab/main.js';
