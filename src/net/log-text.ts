/**
 * Text from a device or platform, made safe to quote in an error, a log line or a message: values
 * derived from a secret are redacted (an echoed `Authorization` header, a digest `response=`, an
 * `x-ca-signature`, …), control characters are escaped so a newline cannot forge a log line, and
 * the length is capped so a 7 MB string is not written whole into the log.
 */

/** Most characters quoted from one foreign text. */
export const QUOTED_TEXT_MAX = 200;

const REDACTED = '***';

/**
 * Header lines and JSON members whose whole value is a credential or derived from one:
 * `Authorization: Digest …`, `"x-ca-signature": "…"`, `Proxy-Authorization=…`.
 */
const SECRET_FIELD = /((?:proxy-)?authorization|x-ca-signature|signature|password|passwd|appsecret|secret|token)(["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\r\n,;&]*)/gi;
/** Digest parameters derived from the password (in an echoed header without its name). */
const DIGEST_PARAM = /\b(response|cnonce)(\s*=\s*)("[^"]*"|[^\s,;&"]+)/gi;
/** A Basic or Bearer credential on its own. */
const BARE_CREDENTIAL = /\b(Basic|Bearer)(\s+)([A-Za-z0-9+/=._~-]{8,})/g;

/** `text` with every secret-like value replaced by `***`. */
export function redactEchoedSecrets(text: string): string {
  return text
    .replace(SECRET_FIELD, (_whole, name: string, separator: string) => `${name}${separator}${REDACTED}`)
    .replace(DIGEST_PARAM, (_whole, name: string, separator: string) => `${name}${separator}${REDACTED}`)
    .replace(BARE_CREDENTIAL, (_whole, scheme: string, space: string) => `${scheme}${space}${REDACTED}`);
}

/** Control characters (C0, DEL, C1, line and paragraph separators) as `\n`, `\u001b`, …. */
export function escapeControlChars(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/**
 * Foreign text ready to quote: redacted, control characters escaped, at most `max` characters
 * (then `…` and how many more there were). Secrets known by value (an appKey) go in `secrets`.
 */
export function quoteForeignText(text: string, max = QUOTED_TEXT_MAX, secrets: readonly string[] = []): string {
  // look at a bounded head only: the cap must not cost a pass over megabytes
  const cut = text.length > max * 4 + 1024;
  let head = cut ? text.slice(0, max * 4 + 1024) : text;
  for (const secret of secrets) if (secret.length > 0) head = head.split(secret).join(REDACTED);
  const safe = escapeControlChars(redactEchoedSecrets(head));
  if (safe.length <= max && !cut) return safe;
  return `${safe.slice(0, max)}… (${text.length} characters)`;
}
