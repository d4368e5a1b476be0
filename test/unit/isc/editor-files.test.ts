/**
 * The editor files of the two iSC nodes: the registerType script runs (in a sandbox with a stub
 * RED), its label and validators behave, every i18n key the dialog uses exists in both languages,
 * and both help files have the sections users look for.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { repoRoot } from '../../support/samples';

type Validator = (this: Record<string, unknown>, v: unknown) => boolean;
interface Definition {
  category: string;
  defaults: Partial<Record<string, { value: unknown; validate?: Validator; required?: boolean; type?: string }>>;
  credentials?: Record<string, { type: string }>;
  outputs?: number;
  label: (this: Record<string, unknown>) => string;
}

function editorFile(name: string): string {
  return fs.readFileSync(path.join(repoRoot(), 'nodes', name), 'utf8');
}

function locale(lang: string, type: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(repoRoot(), 'nodes', 'locales', lang, `${type}.json`), 'utf8')) as Record<string, unknown>;
}

/** Runs the editor's registerType script and returns what it registered. */
function registered(type: string): { name: string; definition: Definition; script: string } {
  const html = editorFile(`${type}.html`);
  const script = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(html)?.[1];
  assert.ok(script, 'no registerType script');
  const calls: { name: string; definition: Definition }[] = [];
  vm.runInNewContext(script, { RED: { nodes: { registerType: (name: string, definition: Definition) => calls.push({ name, definition }) } } });
  assert.equal(calls.length, 1);
  return { ...calls[0], script };
}

function keyExists(messages: Record<string, unknown>, key: string): boolean {
  let current: unknown = messages;
  for (const part of key.split('.')) {
    if (typeof current !== 'object' || current === null || !(part in current)) return false;
    current = (current as Record<string, unknown>)[part];
  }
  return typeof current === 'string';
}

function leafKeys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k)).sort();
}

describe('iSC editor files', () => {
  it('registers hikvision-isc as a config node with appKey/appSecret credentials', () => {
    const { name, definition, script } = registered('hikvision-isc');
    assert.equal(name, 'hikvision-isc');
    assert.match(script, /registerType\('hikvision-isc',/);
    assert.equal(definition.category, 'config');
    // Objects from the sandbox have another realm's prototypes: compare their JSON.
    assert.deepEqual(JSON.parse(JSON.stringify(definition.credentials)), { appKey: { type: 'text' }, appSecret: { type: 'password' } });
    assert.equal(definition.defaults.port?.value, 443);
    assert.equal(definition.defaults.protocol?.value, 'https');
    assert.equal(definition.defaults.rejectUnauthorized?.value, false);
    assert.equal(definition.label.call({ host: '10.0.0.1', port: 443 }), 'iSC 10.0.0.1:443');
  });

  it('registers hikvision-isc-subscribe in the hikvision category with the issue\'s properties', () => {
    const { name, definition, script } = registered('hikvision-isc-subscribe');
    assert.equal(name, 'hikvision-isc-subscribe');
    assert.match(script, /registerType\('hikvision-isc-subscribe',/);
    assert.match(script, /category: 'hikvision'/);
    assert.equal(definition.category, 'hikvision');
    assert.equal(definition.outputs, 2);
    assert.deepEqual(Object.keys(definition.defaults).sort(), [
      'callbackUrl', 'eventLvl', 'eventTypes', 'listenPort', 'name', 'path', 'pictures', 'platform', 'resubscribeInterval', 'silentAfter', 'subType', 'unsubscribeOnClose',
    ]);
    assert.equal(definition.defaults.platform?.type, 'hikvision-isc');
    assert.equal(definition.defaults.unsubscribeOnClose?.value, false);
    assert.equal(definition.label.call({ eventTypes: '198914, 131331' }), 'iSC 198914,131331');
    assert.equal(definition.label.call({ name: 'doors', eventTypes: '198914' }), 'doors');
  });

  it('validates codes, ports, paths, callback URLs and intervals in the dialog', () => {
    const { defaults } = registered('hikvision-isc-subscribe').definition;
    const valid = (prop: string, value: unknown) => defaults[prop]?.validate?.call({}, value);
    assert.ok(valid('eventTypes', '198914,131331, 1644175361'));
    for (const bad of ['', 'card', '0', '4294967296', '198914,x']) assert.ok(!valid('eventTypes', bad), bad);
    assert.ok(valid('listenPort', 8089));
    for (const bad of [0, 65536, 'x', '']) assert.ok(!valid('listenPort', bad), String(bad));
    assert.ok(valid('path', '/isc/7f3a9c'));
    assert.ok(!valid('path', '/isc events'));
    assert.ok(valid('callbackUrl', ''));
    assert.ok(valid('callbackUrl', 'http://203.0.113.7:18089/isc/events'));
    assert.ok(!valid('callbackUrl', 'ftp://x/'));
    assert.ok(!valid('callbackUrl', 'http://host name/'));
    assert.ok(valid('resubscribeInterval', 0));
    assert.ok(!valid('resubscribeInterval', -1));
  });

  for (const type of ['hikvision-isc', 'hikvision-isc-subscribe']) {
    it(`${type}: every i18n key of the dialog exists in en-US and zh-CN, and both have the same keys`, () => {
      const html = editorFile(`${type}.html`);
      const en = locale('en-US', type);
      const zh = locale('zh-CN', type);
      const keys = new Set<string>();
      for (const match of html.matchAll(/data-i18n="([^"]+)"/g)) {
        for (const part of match[1].split(';')) keys.add(part.replace(/^\[[a-z]+\]/, ''));
      }
      for (const match of html.matchAll(/_\('([a-z-]+\.[a-zA-Z0-9.]+)'\)/g)) keys.add(match[1]);
      assert.ok(keys.size > 5);
      for (const key of keys) {
        assert.ok(keyExists(en, key), `en-US lacks ${key}`);
        assert.ok(keyExists(zh, key), `zh-CN lacks ${key}`);
      }
      assert.deepEqual(leafKeys(zh), leafKeys(en));
    });
  }

  it('names every code of the picker in both languages', () => {
    const { script } = registered('hikvision-isc-subscribe');
    const codes = [...(/CODE_GROUPS = \[([\s\S]*?)\];/.exec(script)?.[1] ?? '').matchAll(/\d{6,10}/g)].map((m) => m[0]);
    assert.ok(codes.length >= 14);
    for (const code of ['198914', '196893', '131331', '131588', '196883', '1644175361', '1644171265', '131616', '771764226']) assert.ok(codes.includes(code), code);
    for (const lang of ['en-US', 'zh-CN']) {
      const messages = locale(lang, 'hikvision-isc-subscribe');
      for (const code of codes) assert.ok(keyExists(messages, `hikvision-isc-subscribe.codes.${code}`), `${lang} ${code}`);
    }
  });

  for (const lang of ['en-US', 'zh-CN']) {
    it(`has ${lang} help with inputs, outputs, details and the "no events" checklist`, () => {
      const help = fs.readFileSync(path.join(repoRoot(), 'nodes', 'locales', lang, 'hikvision-isc-subscribe.html'), 'utf8');
      assert.match(help, /data-help-name="hikvision-isc-subscribe"/);
      assert.ok((help.match(/<dl class="message-properties">/g) ?? []).length >= 3);
      assert.match(help, /<ol class="node-ports">/);
      for (const word of ['payload.action', 'eventDetails', 'isc/linkage/', 'telnet', 'userId', 'Catch']) assert.ok(help.includes(word), `${lang}: ${word}`);
      const config = fs.readFileSync(path.join(repoRoot(), 'nodes', 'locales', lang, 'hikvision-isc.html'), 'utf8');
      assert.match(config, /data-help-name="hikvision-isc"/);
      assert.match(config, /0x02401003/);
    });
  }
});
