/**
 * The Node-RED under test: 4.1 or 5.0, chosen by NODE_RED_PACKAGE (scripts/run-tests.js runs the
 * node tests once with each). Node-RED 5 declares Node 22 but runs embedded on Node 20 when told
 * to skip its build check.
 */
import helper, { type TestNodeInitializer } from 'node-red-node-test-helper';
import path from 'node:path';
import { withEnUs } from './en-us-messages';

export const nodeRedPackage = process.env.NODE_RED_PACKAGE ?? 'node-red';
// SKIP_BUILD_CHECK is a Node-RED 5 setting the typings do not know yet.
const settings = { SKIP_BUILD_CHECK: true, logging: { console: { level: 'off' as const, metrics: false, audit: false } } };
helper.init(require.resolve(nodeRedPackage), settings as unknown as Parameters<typeof helper.init>[1]);

export { helper };

/**
 * The built node module for a node type, as Node-RED loads it, with an `RED._` that renders the
 * package's en-US messages (the test helper's own returns the bare key), so tests check what a user reads.
 */
export function nodeModule(type: string): TestNodeInitializer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- Node-RED loads node files with require
  const mod = require(path.resolve(__dirname, '../../src/nodes', `${type}.js`)) as { default: TestNodeInitializer };
  const [wrapped] = withEnUs([mod.default]);
  return wrapped;
}

/** Loads a flow; helper.load takes an array of node modules at run time, though its typings say one. */
export function loadFlow(
  modules: TestNodeInitializer[],
  flow: ({ id: string; type: string } & Record<string, unknown>)[],
  credentials?: Record<string, Record<string, string>>,
): Promise<void> {
  return helper.load(modules as unknown as TestNodeInitializer, flow, credentials);
}

/** A core node of the Node-RED under test (`common/25-catch.js`, `network/21-httpin.js`…). */
export function coreNode(file: string): TestNodeInitializer {
  const nodeRedDir = path.dirname(require.resolve(`${nodeRedPackage}/package.json`));
  const resolved = require.resolve(`@node-red/nodes/core/${file}`, { paths: [nodeRedDir] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- core nodes are CommonJS files
  return require(resolved) as TestNodeInitializer;
}

/** startServer/stopServer return promises in 0.3.6; their typings still say void. */
export const startServer = (): Promise<void> => helper.startServer() as unknown as Promise<void>;
export const stopServer = (): Promise<void> => helper.stopServer() as unknown as Promise<void>;
