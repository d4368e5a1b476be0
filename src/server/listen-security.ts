/**
 * Whether a port's listening settings can be used as they are, and whether two config nodes may
 * share one port and path: a route has one allow-list and one device login, so sharing is only
 * safe when both ask for exactly the same.
 */
import { compileAllowList } from './allow-list';
import type { ListenSettings } from './listen-settings';

/** A configuration that must not listen, with what the user has to change (message catalogue keys). */
export type ListenProblem =
  | { code: 'auth-credentials-missing'; mode: 'basic' | 'digest'; missing: 'user' | 'password' | 'user and password' }
  | { code: 'allow-list-invalid'; entry: string };

/**
 * Device authentication without a user or password would accept empty credentials (it happens when
 * Node-RED loses its credentials file); an allow-list entry that cannot be read would allow the
 * wrong devices. Both are refused instead of listening.
 */
export function listenProblem(settings: ListenSettings): ListenProblem | null {
  const { mode, username, password } = settings.auth;
  if (mode !== 'none' && (username === '' || password === '')) {
    const missing = username === '' && password === '' ? 'user and password' : username === '' ? 'user' : 'password';
    return { code: 'auth-credentials-missing', mode, missing };
  }
  const allow = compileAllowList(settings.allow);
  if (!allow.ok) return { code: 'allow-list-invalid', entry: allow.entry };
  return null;
}

/** True when routes built from `a` and `b` would admit exactly the same requests. */
export function sameSecurity(a: ListenSettings, b: ListenSettings): boolean {
  const allow = (s: ListenSettings) => [...new Set(s.allow)].sort().join('\n');
  return a.auth.mode === b.auth.mode
    && (a.auth.mode === 'none' || (a.auth.username === b.auth.username && a.auth.password === b.auth.password))
    && allow(a) === allow(b);
}
