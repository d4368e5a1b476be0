/**
 * The repository stands on its own: no tracked file of the product, its tests, scripts, benchmarks
 * or CI refers to the reference folder named `shared` that sits beside the maintainers' clone (one
 * level up, or by its absolute path under /work). A fresh clone has no such folder, so any such
 * reference breaks there.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../support/samples';

const CHECKED = ['src', 'test', 'scripts', 'bench', '.ci', 'package.json'];
// Spelled in pieces so that this file does not match itself.
const SHARED = 'sha' + 'red';
const OUTSIDE_REFERENCE = new RegExp(
  [`\\.\\.[\\\\/]${SHARED}\\b`, `/work/${SHARED}\\b`, `['"]\\.\\.['"]\\s*,\\s*['"]${SHARED}['"]`].join('|'),
);

/** Tracked files under CHECKED; in a copy without git (CI's standalone run), every file there. */
function checkedFiles(root: string): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--', ...CHECKED], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\0').filter((name) => name !== '' && fs.existsSync(path.join(root, name)));
  } catch {
    return CHECKED.flatMap((entry) => walk(root, entry));
  }
}

function walk(root: string, relPath: string): string[] {
  const full = path.join(root, relPath);
  if (!fs.existsSync(full)) return [];
  if (!fs.statSync(full).isDirectory()) return [relPath];
  return fs.readdirSync(full).flatMap((name) => walk(root, path.join(relPath, name)));
}

describe('the repository stands on its own', () => {
  it('no file in src, test, scripts, bench, .ci or package.json refers to the folder beside the clone', () => {
    const root = repoRoot();
    const files = checkedFiles(root);
    assert.ok(files.includes('package.json') && files.some((name) => name.startsWith('src/')), `found files: ${files.length}`);
    const offending: string[] = [];
    for (const name of files) {
      const lines = fs.readFileSync(path.join(root, name), 'utf8').split('\n');
      lines.forEach((line, index) => {
        if (OUTSIDE_REFERENCE.test(line)) offending.push(`${name}:${index + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    assert.deepEqual(offending, [], 'copy what the tests need into test/fixtures instead');
  });

  it('the check sees a reference in each spelling', () => {
    for (const line of [`readFileSync('../${SHARED}/samples/a.xml')`, `see /work/${SHARED}/docs`, `path.resolve(root, '..', '${SHARED}')`, `..\\${SHARED}\\x`]) {
      assert.ok(OUTSIDE_REFERENCE.test(line), line);
    }
    assert.ok(!OUTSIDE_REFERENCE.test('the server is shared per port'));
  });
});
