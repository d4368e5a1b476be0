/** The repository root, found from a compiled test file (dist/test/… or .build/<name>/test/…). */
import fs from 'node:fs';
import path from 'node:path';

export const PACKAGE_NAME = 'node-red-contrib-hikvision-events';

export function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no ${PACKAGE_NAME} package.json above ${from}`);
  }
}

export const REPO_ROOT = findRepoRoot(__dirname);
