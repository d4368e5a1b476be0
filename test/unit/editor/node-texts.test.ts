/**
 * Every text a user sees from a node comes from the message catalogue: the node files and their
 * controllers (src/nodes/**) pass no English string literal to a status, an error, a warning, a
 * log line or a thrown Error; text goes through `RED._` (or a node's `t` shorthand), whose keys the
 * locale test checks in en-US and zh-CN.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../browser/repo-root';
import { userTextLiterals } from './node-texts';

const NODES = path.join(REPO_ROOT, 'src', 'nodes');
const files = fs.readdirSync(NODES, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).sort();

describe('node texts come from the message catalogue', () => {
  it('finds the node files and their controllers', () => {
    for (const file of ['hikvision-listener.ts', 'hikvision-httphosts.ts', 'hikvision-isc-subscribe.ts', 'hikvision-config.ts']) assert.ok(files.includes(file), file);
    assert.ok(files.some((f) => f.startsWith(`hikvision-listener${path.sep}`)), 'a controller folder');
  });

  it('catches a literal in a status, an error, a warning, a log line and a thrown Error', () => {
    const source = [
      "this.status({ fill: 'red', shape: 'ring', text: 'no config' });",
      'node.error(`cannot listen on ${port}`, msg);',
      "this.node.warn('subscribe failed: ' + reason);",
      "this.node.log(`unsubscribed ${types}`);",
    "this.warnings.report('client', () => `malformed on ${port}`);",
      "throw new Error(problem ?? 'no config');",
      "refuse(RED._('a.status.x'), 'the platform has no address');",
    ].join('\n');
    assert.deepEqual(userTextLiterals(source).map((l) => l.literal), [
      "'no config'", '`cannot listen on ${port}`', "'subscribe failed: '", '`unsubscribed ${types}`', '`malformed on ${port}`', "'no config'", "'the platform has no address'",
    ]);
  });

  it('lets catalogue texts, composed values and message fields through', () => {
    const source = [
      "this.status({ fill: 'green', shape: 'dot', text: `:${port} · ${count} · ${last.eventType} ${clock()}` });",
      "this.node.error(RED._('hikvision-listener.errors.bad-body', { code: error.code, detail: error.message }), { topic: `hikvision/${remote}/error` });",
      "this.node.status({ fill: 'red', shape: 'ring', text: t(`status.error.${kind}`) });",
      'throw new Error(String(err));',
      "this.node.warn(held > 0 ? `${text} ${RED._('a.held-back', { count: held })}` : text);",
    ].join('\n');
    assert.deepEqual(userTextLiterals(source), []);
  });

  for (const file of files) {
    it(`src/nodes/${file.split(path.sep).join('/')}`, () => {
      const found = userTextLiterals(fs.readFileSync(path.join(NODES, file), 'utf8'));
      assert.deepEqual(found.map((f) => `line ${f.line}: ${f.literal}`), [], 'texts a user sees that are not from the catalogue');
    });
  }
});
