#!/usr/bin/env node
/** Entry point of the `fieldnode` command (package.json "bin"). */
import { runCli } from './main.js';

process.exitCode = await runCli(process.argv.slice(2));
