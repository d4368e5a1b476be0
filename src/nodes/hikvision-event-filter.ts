/**
 * Node `hikvision-event-filter`: between a listener or iSC node and MQTT/e-mail, lets through only
 * the events the rules select (output 1) and optionally sends the rest on output 2. The decisions
 * are in `src/filter/`; this file reads the properties, feeds messages in, sends what comes out
 * and shows the counts.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { EventFilter, type RoutedMessage } from '../filter/event-filter';
import { parseFilterRules, type FilterRuleText } from '../filter/filter-rules';
import { readFilterChoices, type FilterChoiceText } from '../filter/filter-settings';
import { realScheduler } from '../filter/scheduler';
import { ThrottledUpdate } from '../filter/throttled-update';

export interface EventFilterDef extends NodeDef, FilterRuleText, FilterChoiceText {
  eventTypes: string;
  states: string;
  channels: string;
  devices: string;
  replays: 'pass' | 'drop';
  repeats: 'pass' | 'collapse';
  repeatWindow: string | number;
  twins: 'pass' | 'drop' | 'merge';
  outputs: number | string;
}

/** Counts above 9999 shortened so the status stays short (12k). */
function shortCount(n: number): string {
  return n < 10_000 ? String(n) : n < 10_000_000 ? `${Math.floor(n / 1000)}k` : `${Math.floor(n / 1_000_000)}M`;
}

export default function register(RED: NodeAPI): void {
  function HikvisionEventFilter(this: Node, def: EventFilterDef): void {
    RED.nodes.createNode(this, def);
    const { rules, problems } = parseFilterRules(def);
    const choices = readFilterChoices(def);

    for (const problem of problems) {
      this.warn(RED._(`hikvision-event-filter.errors.bad-${problem.property}`, { token: problem.token }));
    }

    function toOutputs(routed: RoutedMessage): (NodeMessage | null)[] | null {
      const msg: NodeMessage = routed.msg;
      if (routed.output === 'matched') return choices.outputs === 2 ? [msg, null] : [msg];
      return choices.outputs === 2 ? [null, msg] : null;
    }

    const filter = new EventFilter({
      rules,
      choices,
      scheduler: realScheduler,
      clone: (msg) => RED.util.cloneMessage(msg),
      onLater: (routed) => {
        const out = toOutputs(routed);
        if (out) this.send(out);
        status.request();
      },
    });

    const status = new ThrottledUpdate(() => {
      const counts = { passed: shortCount(filter.counts.passed), dropped: shortCount(filter.counts.dropped) };
      const key = 'hikvision-event-filter.status.counts';
      const text = RED._(key, counts);
      // Without a message catalogue (an embedding that loads none) RED._ gives the key back.
      const shown = text === key ? `${counts.passed} passed, ${counts.dropped} dropped` : text;
      this.status({ fill: problems.length > 0 ? 'yellow' : 'green', shape: 'dot', text: shown });
    }, realScheduler);

    if (problems.length > 0) {
      this.status({ fill: 'yellow', shape: 'ring', text: RED._('hikvision-event-filter.status.check-rules') });
    }

    this.on('input', (msg, send, done) => {
      try {
        for (const routed of filter.process(msg)) {
          const out = toOutputs(routed);
          if (out) send(out);
        }
        status.request();
        done();
      } catch (err) {
        done(err instanceof Error ? err : new Error(String(err)));
      }
    });

    this.on('close', (_removed: boolean, done: () => void) => {
      filter.close();
      status.cancel();
      done();
    });
  }

  RED.nodes.registerType<Node, EventFilterDef, unknown, object>('hikvision-event-filter', HikvisionEventFilter);
}
