#!/usr/bin/env -S node --max-semi-space-size=2 --optimize-for-size --v8-pool-size=1 --no-opt
/**
 * Entry point of the `fieldnode` command (package.json "bin"). Its first line runs Node with a kit's
 * V8 flags, which keep the daemon's memory within a Raspberry Pi's budget (node-flags.ts, checked
 * against it by a test; the centre runs bin.js under plain `node`).
 */
import { runCli } from './main.js';

process.exitCode = await runCli(process.argv.slice(2));
