/**
 * Finds the shared samples folder (`shared/samples`, which sits beside the clone: `../shared` from the
 * repository root, on this machine and in CI) from wherever the compiled tests run (`dist/test/…`,
 * `.build/<name>/test/…`). HIK_SAMPLES_DIR overrides the search.
 */
import fs from 'node:fs';
import path from 'node:path';

let found: string | undefined;

/** The repository root: the nearest folder above this file that holds package.json. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
}

/** The `samples` folder (holding `device/`, `isc/`, …). */
export function samplesDir(): string {
  if (found !== undefined) return found;
  const fromEnv = process.env.HIK_SAMPLES_DIR;
  const candidates = fromEnv ? [fromEnv] : [path.resolve(repoRoot(), '../shared/samples'), path.resolve(repoRoot(), 'shared/samples')];
  const dir = candidates.find((candidate) => fs.existsSync(path.join(candidate, 'device')));
  if (dir === undefined) throw new Error(`shared samples not found (looked in ${candidates.join(', ')})`);
  found = dir;
  return dir;
}

/** A sample's bytes, by its path inside the samples folder (`device/…xml`). */
export function readSample(relPath: string): Buffer {
  return fs.readFileSync(path.join(samplesDir(), relPath));
}

/** File names in a samples subfolder (`device`), sorted. */
export function listSamples(subdir: string): string[] {
  return fs.readdirSync(path.join(samplesDir(), subdir)).sort();
}
