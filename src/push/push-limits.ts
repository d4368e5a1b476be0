/** Bounds on what one pushed request may make the listener hold in memory. */
export interface PushLimits {
  /** The whole request body. */
  maxBodyBytes: number;
  /** Multipart parts, empty ones included. */
  maxParts: number;
  /** One multipart part (a picture). */
  maxPartBytes: number;
  /** The event document: an XML/JSON part, or a whole non-multipart body. */
  maxEventBytes: number;
  /** Events in one body: a 1 MB JSON array of `{}` would otherwise become 350 000 flow messages. */
  maxEvents: number;
}

/**
 * Generous defaults: ANPR and face-camera bodies reach 0.5-1 MB, and a face camera fell into a resend
 * loop when a receiver refused 1 MB, so several MB pass.
 */
export const DEFAULT_PUSH_LIMITS: PushLimits = Object.freeze({
  maxBodyBytes: 16 * 1024 * 1024,
  maxParts: 64,
  maxPartBytes: 8 * 1024 * 1024,
  maxEventBytes: 1024 * 1024,
  // devices send one event per body, a few when they catch up after a reconnect
  maxEvents: 1000,
});

/** The defaults overridden by whichever given limits are usable numbers (0 and above). */
export function resolveLimits(limits: Partial<PushLimits> | undefined): PushLimits {
  if (!limits) return DEFAULT_PUSH_LIMITS; // frozen: safe to share
  const resolved = { ...DEFAULT_PUSH_LIMITS };
  for (const key of Object.keys(resolved) as (keyof PushLimits)[]) {
    const value = limits[key];
    if (typeof value === 'number' && value >= 0 && !Number.isNaN(value)) resolved[key] = value;
  }
  return resolved;
}
