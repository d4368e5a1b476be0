/**
 * What went wrong talking to the Artemis gateway, in words a flow author can act on. The platform
 * answers HTTP 200 with `code` ≠ "0" for its own errors, and may echo its string to sign (which
 * contains the appKey): every text from the platform passes through `redactSecrets` first.
 */

export type ArtemisErrorKind =
  /** The platform answered with `code` ≠ "0". */
  | 'platform'
  /** An HTTP status other than 200 without a platform envelope. */
  | 'http'
  /** A 200 answer that is not the `{code,msg,data}` envelope. */
  | 'response'
  | 'network'
  | 'tls'
  | 'timeout';

/** Hints for the platform codes users meet most (iSC and HikCentral Professional). */
export const ARTEMIS_CODE_HINTS: Readonly<Record<string, string>> = {
  '0x02401000': 'the appKey is missing: enter the partner\'s AppKey in the iSC platform node',
  '0x02401001': 'no partner has this appKey: copy the AppKey again from the platform\'s partner (OpenAPI) page',
  '0x02401002': 'the signature is missing: a proxy between Node-RED and the platform may drop x-ca-* headers',
  '0x02401003': 'the signature does not match: check the AppSecret; a proxy that rewrites headers breaks it too, and so does a clock far off the platform\'s',
  '0x02401007': 'iSC: API token expired; HikCentral: no permission — ask the platform administrator',
  '0x02401008': 'this API is not authorised for the partner: grant the event service APIs to it on the platform',
  '0x0240101b': 'the partner is restricted to other IP addresses: call from an allowed address or widen the restriction',
  '0x0240101c': 'the partner is restricted to other MAC addresses: call from an allowed machine',
  '0x0240101d': 'the partner is restricted by IP and MAC: call from an allowed machine',
  '0x02401010': 'the partner has no user bound to it: bind a platform user (userId) to the partner',
  '0x02401021': 'the platform could not read the request JSON',
  '0x02401642': 'HikCentral does not know this appKey: check the AppKey of the partner',
  '0x00072001': 'a required parameter is missing',
  '0x00072002': 'a parameter is out of range (event type codes, subType 0-2, eventLvl 0-3)',
  '0x00072003': 'a parameter has the wrong format (eventDest must be http(s)://host:port/path)',
  '0x00052102': 'the platform\'s event service failed: try again later',
  '0x00052103': 'the platform\'s event service timed out: try again later',
  '0x00052104': 'the platform\'s event service is unavailable: is it running?',
  // HikCentral Professional answers some errors with small integers instead of 0x… codes.
  '8': 'HikCentral: this OpenAPI version is not supported by the platform — update the platform or its OpenAPI component',
  '17': 'HikCentral: no OpenAPI permission — grant the partner (and its bound user) the OpenAPI and event service rights',
};

export function hintForArtemisCode(code: string): string | undefined {
  return ARTEMIS_CODE_HINTS[code.trim().toLowerCase()];
}

export interface ArtemisErrorDetails {
  kind: ArtemisErrorKind;
  /** Platform code (`0x02401003`), `HTTP_404`, a socket code (`ECONNREFUSED`), `TIMEOUT` or `BAD_RESPONSE`. */
  code: string;
  /** The platform's `msg`, already redacted. */
  platformMessage?: string;
  httpStatus?: number;
  hint?: string;
}

export class ArtemisError extends Error {
  readonly kind: ArtemisErrorKind;
  readonly code: string;
  readonly platformMessage: string | undefined;
  readonly httpStatus: number | undefined;
  readonly hint: string | undefined;

  constructor(message: string, details: ArtemisErrorDetails) {
    super(message);
    this.name = 'ArtemisError';
    this.kind = details.kind;
    this.code = details.code;
    this.platformMessage = details.platformMessage;
    this.httpStatus = details.httpStatus;
    this.hint = details.hint;
  }
}

/** Replaces every occurrence of a secret (appKey, appSecret) with `***`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length > 0) result = result.split(secret).join('***');
  }
  return result;
}
