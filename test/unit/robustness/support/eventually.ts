/** Resolves when `predicate` holds, polling; rejects with `what` after `ms` (no Node-RED needed). */
export async function eventuallyTrue(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
