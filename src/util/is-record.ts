/**
 * The one guard for "a key/value object": what parsed JSON and XML objects, message payloads and
 * request bodies are checked with before their fields are read. Arrays, null and Buffers are not.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}
