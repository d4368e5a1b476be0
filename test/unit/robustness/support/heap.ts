/**
 * The heap in use after full garbage collections, for "memory stays flat" checks. Mocha runs
 * without --expose-gc, so the flag is switched on here and gc taken from a fresh context.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** heapUsed plus memory outside the heap (Buffers count there), in bytes, after settling and collecting. */
export async function memoryAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

export const MB = 1024 * 1024;
