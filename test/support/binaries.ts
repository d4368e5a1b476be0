/**
 * Tests that drive a program of the machine (openssl, mosquitto, chromium, curl). Without it a test
 * is skipped on a developer's machine, with a line that says so, but FAILS in CI (CI=true, set by
 * .ci/run, which installs them all): the suite must not shrink quietly where it counts.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The program's path on PATH (or the usual sbin folders), or null. */
export function findBinary(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** The program's path; without it: an error in CI, else a skip of the current test or hook. */
export function requireBinary(context: Mocha.Context, name: string, aptPackage: string = name): string {
  const file = findBinary(name);
  if (file !== null) return file;
  if (process.env.CI) throw new Error(`${name} is not installed (CI must install it: apt-get install ${aptPackage})`);
  console.log(`      skipped: ${name} is not installed (apt-get install ${aptPackage}); in CI this test must run`);
  context.skip();
}
