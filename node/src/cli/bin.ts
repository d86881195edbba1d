#!/usr/bin/env -S node --max-semi-space-size=2
/**
 * Entry point of the `fieldnode` command (package.json "bin"). A small V8 young generation keeps
 * the daemon's RSS within a kit's budget (bench/store-bench.ts measures it).
 */
import { runCli } from './main.js';

process.exitCode = await runCli(process.argv.slice(2));
