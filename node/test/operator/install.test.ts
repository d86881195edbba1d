/**
 * What a fresh install and an operator's slip rely on (README §Installing, §Enrol a kit):
 * every installed package with an install script is declared in package.json's `allowScripts`
 * (so npm 11 prints no unexplained warning), and key files written inside the source tree are
 * ignored by git.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { repoPath } from '../fieldnode-binary.js';

interface PackageJson {
  name?: string;
  scripts?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

function readPackage(dir: string): PackageJson | undefined {
  const file = join(dir, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PackageJson) : undefined;
}

/** Every package in node_modules (scoped ones included, nested node_modules too). */
function installedPackages(root: string): PackageJson[] {
  const found: PackageJson[] = [];
  const walk = (modules: string) => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const dirs = entry.startsWith('@')
        ? readdirSync(join(modules, entry)).map((e) => join(modules, entry, e))
        : [join(modules, entry)];
      for (const dir of dirs) {
        const pkg = readPackage(dir);
        if (pkg) found.push(pkg);
        walk(join(dir, 'node_modules'));
      }
    }
  };
  walk(join(root, 'node_modules'));
  return found;
}

it('declares every dependency install script in allowScripts, so npm install warns about none', () => {
  const root = repoPath();
  const allow = readPackage(root)?.allowScripts ?? {};
  const withScripts = installedPackages(root)
    .filter((p) => ['preinstall', 'install', 'postinstall'].some((s) => p.scripts?.[s] !== undefined))
    .map((p) => p.name ?? '?');
  expect(withScripts.length).toBeGreaterThan(0);
  expect(withScripts.filter((name) => !(name in allow))).toEqual([]);
  // Denied, not approved: the bundled prebuilds load without them (README §Installing).
  expect(Object.values(allow).every((v) => v === false)).toBe(true);
});

it('keeps key files written into the source tree out of git', () => {
  if (!existsSync(repoPath('.git'))) return; // a tarball, not a clone: nothing to commit to
  const names = ['master.secret', 'kit.key', 'node/relay-3001.keys', 'kit-2107.key'];
  const ignored = execFileSync('git', ['check-ignore', ...names], { cwd: repoPath(), encoding: 'utf8' })
    .trim()
    .split('\n');
  expect(ignored).toEqual(names);
});
