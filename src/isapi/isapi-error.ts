/**
 * Errors from talking to a device, each saying what went wrong in words an integrator can act on,
 * with the device's own ResponseStatus passed through. Never carries credentials.
 */
import { describeResponseStatus, parseResponseStatus, parseUserCheck, type ResponseStatus } from './response-status';

export type IsapiErrorKind =
  | 'unreachable' // refused, no route, unknown host
  | 'timeout'
  | 'tls'
  | 'connection' // reset or closed mid-exchange
  | 'unauthorized' // 401 after sending credentials
  | 'forbidden' // 403
  | 'not-found' // 404 / 405
  | 'bad-request' // 400 and other 4xx
  | 'device' // 5xx, or a ResponseStatus that is not OK
  | 'protocol' // an answer we cannot read
  | 'too-large'
  | 'aborted';

export class IsapiError extends Error {
  readonly kind: IsapiErrorKind;
  readonly httpStatus?: number;
  readonly responseStatus?: ResponseStatus;
  /** The system error code for transport failures (ECONNREFUSED…). */
  readonly code?: string;

  constructor(kind: IsapiErrorKind, message: string, extra: { httpStatus?: number; responseStatus?: ResponseStatus; code?: string } = {}) {
    super(message);
    this.name = 'IsapiError';
    this.kind = kind;
    if (extra.httpStatus !== undefined) this.httpStatus = extra.httpStatus;
    if (extra.responseStatus) this.responseStatus = extra.responseStatus;
    if (extra.code) this.code = extra.code;
  }
}

/** The lock-out warning every authentication failure carries. */
export const LOCKOUT_WARNING =
  'Not retried: Hikvision devices lock the account after a few failed logins. Check the username and password in the hikvision-config node.';

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'CERT_UNTRUSTED',
]);

/** Turns a socket/TLS error into a clear IsapiError. `where` is `http(s)://host:port`. */
export function transportError(err: NodeJS.ErrnoException, where: string): IsapiError {
  const code = err.code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return new IsapiError('unreachable', `${where} refused the connection: is the device on and is its ISAPI port (config node) right?`, { code });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return new IsapiError('unreachable', `${where} is unreachable (${code}): check the device address and the network route`, { code });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new IsapiError('unreachable', `${where}: the device's host name does not resolve (${code})`, { code });
    case 'ECONNRESET':
    case 'EPIPE':
      return new IsapiError('connection', `${where} closed the connection mid-request (${code}); if the device speaks HTTPS on this port, set the protocol to https`, { code });
    default:
      break;
  }
  if (TLS_CODES.has(code) || /certificate|SSL|TLS/i.test(err.message)) {
    const hint = /self[- ]signed|verify|issuer/i.test(`${code} ${err.message}`)
      ? ": the device presents a self-signed certificate; untick \"Verify the device's certificate\" in the hikvision-config node to accept it"
      : code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO'
        ? ': the port does not speak HTTPS (set the protocol to http?)'
        : '';
    return new IsapiError('tls', `TLS with ${where} failed (${code || err.message})${hint}`, { code });
  }
  return new IsapiError('connection', `${where}: ${err.message}${code ? ` (${code})` : ''}`, code ? { code } : {});
}

/** Why the device answered `status` to `method path`; `body` is its answer (ResponseStatus or not). */
export function statusError(method: string, path: string, status: number, body: Buffer | string): IsapiError {
  const responseStatus = parseResponseStatus(body) ?? undefined;
  const said = responseStatus ? describeResponseStatus(responseStatus) : '';
  const device = said ? `: ${said}` : '';
  const resource = `${method} ${path.split('?')[0]}`;
  const extra = { httpStatus: status, responseStatus };
  switch (status) {
    case 401: {
      const check = parseUserCheck(body);
      let state = '';
      if (check?.lockStatus?.toLowerCase() === 'lock') {
        state = check.unlockTime !== undefined ? ` The account is locked for ${check.unlockTime} s.` : ' The account is locked.';
      } else if (check?.retryLoginTime !== undefined) {
        state = ` ${check.retryLoginTime} attempt(s) left before the device locks the account.`;
      } else if (/lock/i.test(typeof body === 'string' ? body : body.toString('utf8', 0, 2000))) {
        state = ' The device says the account is locked.';
      }
      return new IsapiError('unauthorized', `401 Unauthorized: the device refused the login${device}.${state} ${LOCKOUT_WARNING}`, extra);
    }
    case 403: {
      // Firmware answers 403 both for a missing permission and for a feature it lacks (notSupport).
      const unsupported = /^notSupport/i.test(responseStatus?.subStatusCode ?? '');
      const why = unsupported
        ? 'this device does not support it (or the user lacks the "Parameters Settings" permission)'
        : 'the user needs the "Parameters Settings" (remote parameter configuration) permission on the device';
      return new IsapiError('forbidden', `403 Forbidden on ${resource}${device}: ${why}`, extra);
    }
    case 404:
    case 405:
      return new IsapiError('not-found', `${status}: this device or firmware has no ${resource}${device}`, extra);
    case 400:
      return new IsapiError('bad-request', `400 Bad Request on ${resource}${device || ': the device gave no reason'}`, extra);
    default:
      return new IsapiError(status >= 500 ? 'device' : 'bad-request', `${status} on ${resource}${device}`, extra);
  }
}

/** A 2xx answer whose ResponseStatus says the operation failed. */
export function responseStatusError(method: string, path: string, status: ResponseStatus): IsapiError {
  return new IsapiError('device', `${method} ${path.split('?')[0]} failed: ${describeResponseStatus(status)}`, { responseStatus: status });
}
