/**
 * Hands items on in arrival order while some of them are still being completed (pictures being
 * fetched for an event): an item that is ready and has nothing waiting ahead of it goes out at
 * once, on the caller's own tick; the others wait for those ahead of them.
 */
export class OrderedSender<T> {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(private readonly send: (item: T) => void) {}

  push(item: T | Promise<T>): void {
    if (this.pending === 0 && !(item instanceof Promise)) {
      this.send(item);
      return;
    }
    this.pending++;
    this.tail = this.tail
      .then(() => item)
      .then((ready) => this.send(ready))
      .catch(() => undefined) // a failing item or a throwing send must not stop the items behind it
      .finally(() => { this.pending--; });
  }

  /** Resolves when every item pushed so far has been sent. */
  idle(): Promise<void> {
    return this.tail;
  }
}
