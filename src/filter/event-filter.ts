/**
 * The event filter: routes each message to the matched or the not-matched output, or discards it
 * (a dropped replay, a collapsed repeat, a dropped twin), and sends synthetic `inactive` messages
 * when collapsed episodes end. Knows nothing of Node-RED: the node adapter passes messages in and
 * sends what comes out.
 *
 * Order of decisions for one message:
 * 1. not an event of either shape, or type/channel/device rules not met → not matched;
 * 2. a replay while `replays` = drop → discarded;
 * 3. platform: a status-4/5 twin while `twins` = drop → discarded; = merge → merged update;
 *    device: while `repeats` = collapse, an `active` inside an open episode → discarded,
 *    an `inactive` ends the episode;
 * 4. the state rule decides matched or not matched.
 */
import { readEventFacts, type EventFacts } from './event-facts';
import { allowsState, selectsEvent, type FilterRules } from './filter-rules';
import type { FilterChoices } from './filter-settings';
import { RepeatCollapser } from './repeat-collapser';
import { realScheduler, type Scheduler } from './scheduler';
import { mergeTwinPayload, TwinTracker, type Fields } from './twin-tracker';
import { isRecord } from '../util/is-record';

/** A Node-RED message as the filter sees it (the core does not import Node-RED's types). */
export interface FilterMessage {
  payload?: unknown;
  [key: string]: unknown;
}

export type FilterOutput = 'matched' | 'unmatched';

export interface RoutedMessage {
  output: FilterOutput;
  msg: FilterMessage;
}

export interface FilterCounts {
  /** Messages sent on the matched output (synthetic `inactive` ones included). */
  passed: number;
  /** Incoming messages that did not go out on the matched output (not matched, or discarded). */
  dropped: number;
}

export interface EventFilterOptions {
  rules: FilterRules;
  choices: Omit<FilterChoices, 'outputs'>;
  /** Messages the filter sends on its own, outside `process`: synthetic `inactive` at episode end. */
  onLater: (routed: RoutedMessage) => void;
  /** Keys kept for repeats and for twins, each; the oldest go first. */
  maxKeys?: number;
  scheduler?: Scheduler;
  /** Deep copy of a message (the node passes RED.util.cloneMessage). */
  clone?: (msg: FilterMessage) => FilterMessage;
}

export const DEFAULT_MAX_KEYS = 10_000;

export class EventFilter {
  readonly counts: FilterCounts = { passed: 0, dropped: 0 };
  private readonly rules: FilterRules;
  private readonly choices: Omit<FilterChoices, 'outputs'>;
  private readonly clone: (msg: FilterMessage) => FilterMessage;
  private readonly collapser: RepeatCollapser<FilterMessage>;
  private readonly twins: TwinTracker;
  /** While `process` runs, messages produced on the way (an evicted episode's end) join its result. */
  private collecting: RoutedMessage[] | null = null;
  private closed = false;

  constructor(private readonly options: EventFilterOptions) {
    this.rules = options.rules;
    this.choices = options.choices;
    this.clone = options.clone ?? ((msg) => structuredClone(msg));
    const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    this.collapser = new RepeatCollapser<FilterMessage>({
      windowMs: options.choices.repeatWindowMs,
      maxKeys,
      scheduler: options.scheduler ?? realScheduler,
      onEpisodeEnd: (last) => {
        this.episodeEnded(last);
      },
    });
    this.twins = new TwinTracker(maxKeys);
  }

  /** Open repeat episodes and remembered twin ids (for tests of the size bound). */
  get stateSize(): { episodes: number; twins: number } {
    return { episodes: this.collapser.openEpisodes, twins: this.twins.size };
  }

  /** Routes one incoming message; the result lists what to send now, in order (often one, or none). */
  process(msg: FilterMessage): RoutedMessage[] {
    const out: RoutedMessage[] = [];
    this.collecting = out;
    try {
      const own = this.route(msg);
      if (own) out.push(own);
      if (own?.output !== 'matched') this.counts.dropped++;
      if (own?.output === 'matched') this.counts.passed++;
    } finally {
      this.collecting = null;
    }
    return out;
  }

  /** Forgets all state and cancels every timer; nothing more is sent on its own. */
  close(): void {
    this.closed = true;
    this.collapser.close();
    this.twins.clear();
  }

  private route(msg: FilterMessage): RoutedMessage | null {
    const facts = readEventFacts(msg);
    if (!facts || !selectsEvent(this.rules, facts)) return { output: 'unmatched', msg };
    if (facts.replay && this.choices.replays === 'drop') return null;
    return facts.shape === 'isc' ? this.routePlatform(msg, facts) : this.routeDevice(msg, facts);
  }

  private byState(msg: FilterMessage, state: string): RoutedMessage {
    return { output: allowsState(this.rules, state) ? 'matched' : 'unmatched', msg };
  }

  private routePlatform(msg: FilterMessage, facts: EventFacts): RoutedMessage | null {
    const eventId = facts.eventId;
    const payload = msg.payload as Fields;
    if (this.choices.twins === 'pass' || eventId === null) return this.byState(msg, facts.state);
    const earlier = this.twins.twinOf(eventId, facts.status);
    if (earlier) {
      if (this.choices.twins === 'drop') return null;
      const merged = mergeTwinPayload(earlier.payload ?? {}, payload);
      this.twins.remember(eventId, { payload: this.clonePayload(merged), firstMatched: earlier.firstMatched });
      msg.payload = merged;
      msg.twin = true;
      return { output: earlier.firstMatched ? 'matched' : 'unmatched', msg };
    }
    const routed = this.byState(msg, facts.state);
    this.twins.remember(eventId, {
      payload: this.choices.twins === 'merge' ? this.clonePayload(payload) : null,
      firstMatched: routed.output === 'matched',
    });
    return routed;
  }

  private routeDevice(msg: FilterMessage, facts: EventFacts): RoutedMessage | null {
    if (this.choices.repeats === 'collapse') {
      const key = `${facts.deviceKey}|${facts.channel ?? ''}|${facts.keyType}`;
      if (facts.state === 'active') {
        if (this.collapser.active(key, this.episodeSnapshot(msg)) === 'repeat') return null;
      } else if (facts.state === 'inactive') {
        this.collapser.inactive(key);
      }
    }
    return this.byState(msg, facts.state);
  }

  private clonePayload(payload: Fields): Fields {
    const copy = this.clone({ payload }).payload;
    return isRecord(copy) ? copy : {};
  }

  /**
   * What an episode keeps of its latest report, to become the synthetic `inactive`: a private copy
   * (downstream may change the message it got) without pictures, which would otherwise keep
   * megabytes alive per open episode.
   */
  private episodeSnapshot(msg: FilterMessage): FilterMessage {
    const light: FilterMessage = {};
    for (const key of Object.keys(msg)) {
      if (key !== 'attachments' && key !== '_msgid') light[key] = msg[key];
    }
    light.payload = { ...(msg.payload as Fields), images: [] };
    return this.clone(light);
  }

  private episodeEnded(last: FilterMessage): void {
    if (this.closed) return;
    (last.payload as Fields).eventState = 'inactive';
    last.synthetic = true;
    if (!allowsState(this.rules, 'inactive')) return;
    const routed: RoutedMessage = { output: 'matched', msg: last };
    this.counts.passed++;
    if (this.collecting) this.collecting.push(routed);
    else this.options.onLater(routed);
  }
}
