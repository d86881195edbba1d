/**
 * The programs of the operating system that simulators and tests run, and the one way to find them
 * (docs/conventions.md §System tools): on PATH, as a shell would, never at a fixed path such as
 * /usr/bin/socat, which is wrong on NixOS, Homebrew or a tool built into /usr/local/bin.
 *
 * It lives beside the duplex pair (the in-process byte layer) because socat makes the other byte
 * layer, real pseudo-terminals (docs/conventions.md §Simulators and fakes), and because here the
 * adapters' simulators and tests, the core's tests and the CLI may all import it (docs/architecture.md
 * §The dependency rule: the link contract imports only itself and the base).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { KitError } from '../base/errors.js';
import './system-tool-errors.js';

/** A program the code runs, with what it is for and how to install it. */
export interface SystemTool {
  /** The executable's name on PATH, e.g. 'socat'. */
  name: string;
  /** The command that installs it on Debian, e.g. 'apt install socat'. */
  install: string;
  /** What needs it, for people: "the serial simulators' pseudo-terminal pairs". */
  usedFor: string;
}

/** socat: joins two pseudo-terminals back to back, the serial simulators' stand-in for a USB port. */
export const SOCAT: SystemTool = {
  name: 'socat',
  install: 'apt install socat',
  usedFor: "the serial simulators' pseudo-terminal pairs",
};

/**
 * Chromium: the headless browser the web UI's browser tests drive with playwright-core
 * (docs/ui.md §Tests). Debian's own package, never a browser build downloaded by a tool.
 */
export const CHROMIUM: SystemTool = {
  name: 'chromium',
  install: 'apt install chromium',
  usedFor: "the web UI's browser tests",
};

/**
 * The absolute path of `tool` in the first PATH directory holding an executable file of that
 * name, or undefined. Empty and relative PATH entries are skipped: a shell would search the
 * current directory for them, and no tool should come from wherever the command was run.
 */
export function findSystemTool(
  tool: SystemTool,
  path: string | undefined = process.env.PATH,
): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const candidate = join(dir, tool.name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not there, or not executable by us: a shell would go on to the next directory too.
    }
  }
  return undefined;
}

/** The text of the error for a missing tool: what is wrong, where it looked, and the fix. */
export function missingToolMessage(tool: SystemTool): string {
  return `${tool.name} is not installed: ${tool.install} (not found on PATH; ${tool.usedFor} need it)`;
}

/** Like {@link findSystemTool}, but a missing tool is a TOOL_MISSING KitError naming the fix. */
export function requireSystemTool(tool: SystemTool, path: string | undefined = process.env.PATH): string {
  const found = findSystemTool(tool, path);
  if (found === undefined) throw new KitError('TOOL_MISSING', missingToolMessage(tool));
  return found;
}
