/**
 * URL paths as the servers route them and as callback URLs carry them: a configured path
 * normalised once, and a request's path without its query string.
 */

/** Normalises a configured path: '' and '*' mean any path; otherwise a leading slash, no trailing one. */
export function normalisePath(path: string | undefined | null): string | null {
  const trimmed = (path ?? '').trim();
  if (trimmed === '' || trimmed === '*') return null;
  const withSlash = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  return withSlash.length > 1 ? withSlash.replace(/\/+$/, '') : withSlash;
}

/** A request URL's path: the query string dropped (some devices drop it, so routes ignore it). */
export function withoutQuery(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** The path a request is routed by: without the query string and without trailing slashes. */
export function requestPath(url: string | undefined): string {
  const path = withoutQuery(url ?? '/');
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}
