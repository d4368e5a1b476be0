/** How a listening port accepts devices: bind address, TLS, device authentication, allow-list. */
export type DeviceAuthMode = 'none' | 'basic' | 'digest';

export interface ListenSettings {
  port: number;
  /** Address to bind ('' = every address). */
  bind: string;
  auth: { mode: DeviceAuthMode; username: string; password: string };
  /** PEM contents; present when the port speaks HTTPS. */
  tls?: { cert: string; key: string };
  /** Remote addresses allowed to push (exact IPs, or prefixes ending in '.' or '*'); empty = anyone. */
  allow: string[];
}

/** Parses the editor's comma/space separated allow-list. */
export function parseAllowList(text: string | undefined): string[] {
  return (text ?? '').split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
}

/** True when `remote` (as the socket reports it, possibly `::ffff:`-mapped) is allowed. */
export function isAllowed(allow: readonly string[], remote: string | undefined): boolean {
  if (allow.length === 0) return true;
  if (!remote) return false;
  const address = remote.startsWith('::ffff:') ? remote.slice(7) : remote;
  return allow.some((rule) => {
    if (rule.endsWith('*')) return address.startsWith(rule.slice(0, -1));
    if (rule.endsWith('.')) return address.startsWith(rule);
    return address === rule;
  });
}
