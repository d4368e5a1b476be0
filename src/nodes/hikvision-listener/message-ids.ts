/**
 * Message ids as Node-RED makes them (16 hex digits), from a random start and a counter: the
 * runtime's own generator costs about as much as the rest of a delivery.
 */
import { randomBytes } from 'node:crypto';

export class MessageIds {
  private idPrefix = randomBytes(4).toString('hex');
  private idCount = 0;

  next(): string {
    if (this.idCount === 0xffffffff) {
      this.idPrefix = randomBytes(4).toString('hex');
      this.idCount = 0;
    }
    this.idCount++;
    return this.idPrefix + this.idCount.toString(16).padStart(8, '0');
  }
}
