/**
 * `application/x-www-form-urlencoded` bodies (httpHosts parameterFormatType `querystring`): either
 * the event's fields, or one field that holds the whole event as JSON or XML.
 */
import type { PushFormat } from './hik-event';
import { parseJsonEvents } from './json-events';
import { PushError } from './push-error';
import { parseXmlEvents } from './xml-events';

export interface FormEvents {
  /** `form` for plain fields; `json`/`xml` when a single field carried the event document. */
  format: PushFormat;
  events: Record<string, unknown>[];
}

export function parseFormEvents(text: string): FormEvents {
  const fields = [...new URLSearchParams(text.trim())];
  if (fields.length === 0) throw new PushError('malformed', 'form body without fields');
  if (fields.length === 1) {
    const [name, value] = fields[0];
    // the document is the value (`event={…}`), or the whole body when it was only URL-encoded
    const document = (value.trim() !== '' ? value : name).trim();
    if (document.startsWith('<')) return { format: 'xml', events: parseXmlEvents(document) };
    if (document.startsWith('{') || document.startsWith('[')) return { format: 'json', events: parseJsonEvents(document) };
  }
  const event: Record<string, unknown> = {};
  for (const [name, value] of fields) {
    if (name === '__proto__') continue; // assignment would replace the object's prototype
    // own fields only: `constructor` or `toString` would otherwise find Object.prototype's functions
    const previous = Object.hasOwn(event, name) ? event[name] : undefined;
    if (previous === undefined) event[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else event[name] = [previous, value];
  }
  return { format: 'form', events: [event] };
}
