import { compileAllowList } from './allow-list';

/** How a listening port accepts devices: bind address, TLS, device authentication, allow-list. */
export type DeviceAuthMode = 'none' | 'basic' | 'digest';

export interface ListenSettings {
  port: number;
  /** Address to bind ('' = every address). */
  bind: string;
  auth: { mode: DeviceAuthMode; username: string; password: string };
  /** PEM contents; present when the port speaks HTTPS. */
  tls?: { cert: string; key: string };
  /** Remote addresses allowed to push (addresses, CIDR blocks, whole-octet wildcards: see allow-list.ts); empty = anyone. */
  allow: string[];
}

/** Parses the editor's comma/space separated allow-list. */
export function parseAllowList(text: string | undefined): string[] {
  return (text ?? '').split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
}

/** True when `remote` (as the socket reports it, possibly `::ffff:`-mapped) is allowed; an invalid list allows no one. */
export function isAllowed(allow: readonly string[], remote: string | undefined): boolean {
  const compiled = compileAllowList(allow);
  return compiled.ok && compiled.matcher.allows(remote);
}
