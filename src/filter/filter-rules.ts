/**
 * The rule list of the filter node, parsed from its comma-separated properties, and matching an
 * event's facts against it. An empty property means "any"; a non-empty one must contain the
 * event's value. Tokens that mean nothing are reported (and match nothing), never silently
 * widened to "any".
 */
import { aliasesOf } from './event-type-aliases';
import { eventCode, type EventFacts } from './event-facts';

/** The node properties as typed (public API: flows set these names). */
export interface FilterRuleText {
  eventTypes?: string;
  states?: string;
  channels?: string;
  devices?: string;
}

type TypePattern = { kind: 'code'; code: string } | { kind: 'name'; test: (name: string) => boolean };

interface ChannelRange {
  from: number;
  to: number;
}

export interface FilterRules {
  /** null = any type. */
  eventTypes: TypePattern[] | null;
  /** null = any state; values `active`, `inactive`, `0`…`5`. */
  states: ReadonlySet<string> | null;
  channels: ChannelRange[] | null;
  devices: ((id: string) => boolean)[] | null;
}

export interface RuleProblem {
  property: keyof FilterRuleText;
  token: string;
}

export interface ParsedRules {
  rules: FilterRules;
  problems: RuleProblem[];
}

const STATE_TOKENS = new Set(['active', 'inactive', '0', '1', '2', '3', '4', '5']);

function tokens(value: unknown): string[] {
  if (typeof value !== 'string' && typeof value !== 'number') return [];
  return String(value)
    .split(/[,\n]/)
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/**
 * Whether `value` matches `pattern`, where `*` stands for any run of characters (both already
 * lower-case). The classic two-pointer walk that backtracks only to the last `*`: at most
 * O(pattern × value) steps, where a regex like `^.*a.*a.*…$` can take exponential time.
 */
export function globMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let resume = 0;
  while (v < value.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === value[v]) {
      p++;
      v++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = v;
    } else if (star !== -1) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Case-insensitive test with `*` standing for any run of characters. */
function wildcardTest(pattern: string): (value: string) => boolean {
  const lower = pattern.toLowerCase().replace(/\*+/g, '*');
  if (!lower.includes('*')) return (value) => value === lower;
  return (value) => globMatch(lower, value);
}

function parseTypes(text: unknown): TypePattern[] | null {
  const list = tokens(text);
  if (list.length === 0) return null;
  return list.map((token) => {
    const code = eventCode(token);
    return code !== null ? { kind: 'code', code } : { kind: 'name', test: wildcardTest(token) };
  });
}

export function parseFilterRules(text: FilterRuleText): ParsedRules {
  const problems: RuleProblem[] = [];

  const stateList = tokens(text.states).map((t) => t.toLowerCase());
  for (const token of stateList) if (!STATE_TOKENS.has(token)) problems.push({ property: 'states', token });
  const states = stateList.length === 0 ? null : new Set(stateList.filter((t) => STATE_TOKENS.has(t)));

  const channelList = tokens(text.channels);
  const channels: ChannelRange[] = [];
  for (const token of channelList) {
    const range = /^(\d{1,9})(?:\s*-\s*(\d{1,9}))?$/.exec(token);
    if (!range) {
      problems.push({ property: 'channels', token });
      continue;
    }
    const [, first, last] = range;
    const from = Number(first);
    // An absent group is undefined at run time, whatever the typings say.
    const to = last ? Number(last) : from;
    if (to < from) problems.push({ property: 'channels', token });
    else channels.push({ from, to });
  }

  const deviceList = tokens(text.devices).map((t) => t.replace(/^::ffff:/i, ''));

  return {
    rules: {
      eventTypes: parseTypes(text.eventTypes),
      states,
      channels: channelList.length === 0 ? null : channels,
      devices: deviceList.length === 0 ? null : deviceList.map(wildcardTest),
    },
    problems,
  };
}

function typeMatches(pattern: TypePattern, types: readonly string[]): boolean {
  for (const type of types) {
    const code = eventCode(type);
    if (pattern.kind === 'code') {
      if (code === pattern.code) return true;
    } else if ((code !== null ? [code] : aliasesOf(type)).some(pattern.test)) {
      return true;
    }
  }
  return false;
}

/** Which events: type, channel and device rules (the state rule is applied per message sent). */
export function selectsEvent(rules: FilterRules, facts: EventFacts): boolean {
  if (rules.eventTypes && !rules.eventTypes.some((p) => typeMatches(p, facts.types))) return false;
  if (rules.channels) {
    const channel = facts.channel === null ? NaN : Number(facts.channel);
    if (!rules.channels.some((r) => channel >= r.from && channel <= r.to)) return false;
  }
  if (rules.devices) {
    const devices = rules.devices;
    if (!facts.deviceIds.some((id) => devices.some((test) => test(id)))) return false;
  }
  return true;
}

/** The state rule: `active`/`inactive` for devices, `0`–`5` for the platform; empty = any. */
export function allowsState(rules: FilterRules, state: string): boolean {
  return rules.states === null || rules.states.has(state);
}
