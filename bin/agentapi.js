#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm run build`).
import { main } from '../dist/agentapi/cli.js';

main(process.argv.slice(2));
