/**
 * Finding a system tool on PATH (system-tool.ts; docs/conventions.md §System tools), on real
 * directories: the first executable file wins, and anything a shell would pass over is passed over.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { findSystemTool, requireSystemTool, SOCAT, type SystemTool } from './system-tool.js';

/** "CODE: message" of the KitError `fn` throws, or 'ok'. (The contract's tests may not import node/test.) */
function kitOutcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (!isKitError(err)) throw err;
    return `${err.code}: ${err.message}`;
  }
}

const TOOL: SystemTool = {
  name: 'fieldnode-tool',
  install: 'apt install fieldnode-tool',
  usedFor: 'the tests',
};

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fieldnode-system-tool-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A directory under the test's root, with `tool` in it as a file of that mode (or a directory). */
function dirWith(name: string, tool?: { mode: number } | 'directory'): string {
  const dir = join(root, name);
  mkdirSync(dir);
  if (tool === 'directory') mkdirSync(join(dir, TOOL.name));
  else if (tool !== undefined) {
    writeFileSync(join(dir, TOOL.name), '#!/bin/sh\n');
    chmodSync(join(dir, TOOL.name), tool.mode);
  }
  return dir;
}

const pathOf = (...dirs: string[]): string => dirs.join(delimiter);

describe('findSystemTool', () => {
  it('finds the tool in the first PATH directory that has it as an executable file', () => {
    const empty = dirWith('empty');
    const first = dirWith('first', { mode: 0o755 });
    const second = dirWith('second', { mode: 0o755 });
    expect(findSystemTool(TOOL, pathOf(empty, first, second))).toBe(join(first, TOOL.name));
    expect(findSystemTool(TOOL, pathOf(second, first))).toBe(join(second, TOOL.name));
  });

  it('passes over a file that is not executable and a directory of that name', () => {
    const plain = dirWith('plain', { mode: 0o644 });
    const folder = dirWith('folder', 'directory');
    const real = dirWith('real', { mode: 0o700 });
    expect(findSystemTool(TOOL, pathOf(plain, folder))).toBeUndefined();
    expect(findSystemTool(TOOL, pathOf(plain, folder, real))).toBe(join(real, TOOL.name));
  });

  it('never takes the tool from the current directory through an empty or relative entry', () => {
    const here = dirWith('here', { mode: 0o755 });
    const cwd = process.cwd();
    process.chdir(here);
    try {
      expect(findSystemTool(TOOL, pathOf('', '.', 'here'))).toBeUndefined();
      expect(findSystemTool(TOOL, '')).toBeUndefined();
    } finally {
      process.chdir(cwd);
    }
  });

  it('is undefined without a PATH at all', () => {
    expect(findSystemTool(TOOL, undefined)).toBeUndefined();
  });
});

describe('requireSystemTool', () => {
  it('gives the path, or TOOL_MISSING saying what is missing and the command that installs it', () => {
    const dir = dirWith('bin', { mode: 0o755 });
    expect(requireSystemTool(TOOL, dir)).toBe(join(dir, TOOL.name));
    expect(kitOutcome(() => requireSystemTool(SOCAT, dirWith('nothing')))).toBe(
      "TOOL_MISSING: socat is not installed: apt install socat (not found on PATH; the serial simulators' pseudo-terminal pairs need it)",
    );
  });
});
