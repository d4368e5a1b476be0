/**
 * The public sample bodies the tests read: test/fixtures/ (device/, isc/), listed with their
 * sources in test/fixtures/INDEX.md. Found from the repository root, so the compiled tests
 * (dist/test/…, .build/<name>/test/…) read the same files as the sources do.
 */
import fs from 'node:fs';
import path from 'node:path';

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

/** The fixtures folder (holding `device/`, `isc/`). */
export function samplesDir(): string {
  return path.join(repoRoot(), 'test', 'fixtures');
}

/** A sample's bytes, by its path inside the fixtures folder (`device/…xml`). */
export function readSample(relPath: string): Buffer {
  return fs.readFileSync(path.join(samplesDir(), relPath));
}

/** Body file names in a fixtures subfolder (`device`), sorted. */
export function listSamples(subdir: string): string[] {
  return fs.readdirSync(path.join(samplesDir(), subdir)).filter((name) => name !== 'INDEX.md').sort();
}
