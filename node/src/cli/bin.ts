#!/usr/bin/env -S node --max-semi-space-size=2 --optimize-for-size
/**
 * Entry point of the `fieldnode` command (package.json "bin"). A small V8 young generation and V8's
 * low-memory mode keep the daemon's RSS within a kit's budget (bench/store-bench.ts measures it).
 */
import { runCli } from './main.js';

process.exitCode = await runCli(process.argv.slice(2));
