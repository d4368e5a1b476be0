/**
 * Node `bench-count`: the end of every benchmark flow. It counts the messages that reach it (one
 * per event) and does nothing else, so what the bench measures is the path up to the flow. The
 * target process reads the count directly (same module instance) and reports it over IPC.
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';

export const COUNT_SINK_TYPE = 'bench-count';

/** Messages delivered into every bench-count node of this process. */
export const delivered = { events: 0 };

export default function register(RED: NodeAPI): void {
  function BenchCount(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    this.on('input', (_msg, _send, done) => {
      delivered.events++;
      done();
    });
  }
  RED.nodes.registerType(COUNT_SINK_TYPE, BenchCount);
}

/** The editor file Node-RED wants beside a node's .js before it loads it. */
export const COUNT_SINK_HTML = `<script type="text/javascript">
RED.nodes.registerType('${COUNT_SINK_TYPE}', { category: 'bench', defaults: { name: { value: '' } }, inputs: 1, outputs: 0, label: 'count' });
</script>
<script type="text/html" data-template-name="${COUNT_SINK_TYPE}"></script>
`;
