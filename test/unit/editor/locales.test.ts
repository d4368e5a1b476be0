/**
 * The editor files against the locale catalogues, read from disk as Node-RED reads them: every
 * key the dialogs (data-i18n, this._/node._) and the node files (RED._) use exists in en-US and
 * zh-CN; both languages have the same keys and the same __substitutions__; every node has help in
 * both languages with the sections users look for; nothing in the main .html shadows that help.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../browser/repo-root';
import {
  concatenatedKeyPrefixes, dataI18nKeys, flatten, interfaceProperties, literalCallKeys, runtimeKeys, substitutions,
  templatePattern, unionMembers,
} from './i18n-keys';

const LANGUAGES = ['en-US', 'zh-CN'] as const;
type Language = (typeof LANGUAGES)[number];
const read = (...parts: string[]) => fs.readFileSync(path.join(REPO_ROOT, ...parts), 'utf8');

const manifest = JSON.parse(read('package.json')) as { 'node-red': { nodes: Record<string, string> } };
const TYPES = Object.keys(manifest['node-red'].nodes);
const CONFIG_TYPES = new Set(['hikvision-config', 'hikvision-isc']);

/** Where a runtime key is built from a value, the values it can take (read from the code that makes them). */
const DYNAMIC_VALUES: Partial<Record<string, () => string[]>> = {
  'hikvision-httphosts.status.error.${kind}': () => [...unionMembers(read('src/isapi/isapi-error.ts'), 'IsapiErrorKind'), 'settings'],
  'hikvision-event-filter.errors.bad-${problem.property}': () => interfaceProperties(read('src/filter/filter-rules.ts'), 'FilterRuleText'),
};

/** The msg properties of each node's output contract: each must be a <dt> in the help's Outputs. */
const OUTPUT_PROPERTIES: Partial<Record<string, string[]>> = {
  'hikvision-listener': ['payload', 'topic', 'remoteAddress', 'replay', 'attachments'],
  'hikvision-alert-stream': ['payload', 'topic', 'remoteAddress', 'via', 'replay', 'attachments'],
  'hikvision-httphosts': ['payload'],
  'hikvision-isc-subscribe': ['payload', 'topic', 'ability', 'sendTime', 'action'],
  'hikvision-event-filter': ['payload', 'synthetic', 'twin'],
  'hikvision-device-watch': ['payload', 'topic'],
};

/** Help sections (h3 headings, matched at their start) every non-config node has, per language. */
const SECTIONS: Record<Language, RegExp[]> = {
  'en-US': [/^Inputs/, /^Outputs/, /^Details/, /^Examples?/, /^No events arrive/],
  'zh-CN': [/^输入/, /^输出/, /^详细说明/, /^示例/, /^收不到事件/],
};

/** A node's file and the files of its controller folder (`src/nodes/<type>/`), as one text. */
function nodeSources(type: string): string {
  const folder = path.join(REPO_ROOT, 'src', 'nodes', type);
  const controllers = fs.existsSync(folder)
    ? fs.readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).sort().map((f) => read('src', 'nodes', type, f))
    : [];
  return [read('src', 'nodes', `${type}.ts`), ...controllers].join('\n');
}

function catalogue(lang: Language, type: string): Map<string, string> {
  return flatten(JSON.parse(read('nodes', 'locales', lang, `${type}.json`)));
}

function helpHtml(lang: Language, type: string): string {
  return read('nodes', 'locales', lang, `${type}.html`);
}

function headings(html: string): string[] {
  return [...html.matchAll(/<h3>([\s\S]*?)<\/h3>/g)].map((m) => m[1].replace(/<[^>]+>/g, '').trim());
}

/** The part of the help from the Outputs heading to the next heading. */
function outputsSection(html: string, heading: RegExp): string {
  const parts = html.split(/<h3>/);
  const section = parts.find((p) => heading.test(p.replace(/<[^>]+>/g, '').trim()));
  return section ?? '';
}

describe('editor locales and help', () => {
  it('the package lists its node types, each with its editor file', () => {
    assert.deepEqual(TYPES.sort(), [
      'hikvision-alert-stream', 'hikvision-config', 'hikvision-device-watch', 'hikvision-event-filter', 'hikvision-httphosts', 'hikvision-isc', 'hikvision-isc-subscribe', 'hikvision-listener',
    ]);
    for (const type of TYPES) assert.ok(fs.existsSync(path.join(REPO_ROOT, 'nodes', `${type}.html`)), `nodes/${type}.html`);
  });

  for (const type of TYPES) {
    describe(type, () => {
      const editor = read('nodes', `${type}.html`);
      const runtime = nodeSources(type);

      it('registers the literal type, in category hikvision (or config), with an icon from icons/', () => {
        assert.match(editor, new RegExp(`RED\\.nodes\\.registerType\\('${type}',`));
        if (CONFIG_TYPES.has(type)) {
          assert.match(editor, /category: 'config'/);
          return;
        }
        assert.match(editor, /category: 'hikvision'/);
        const icon = /icon: '([^']+)'/.exec(editor)?.[1];
        assert.equal(icon, `${type}.svg`, 'one icon per node, named after it');
        const svg = read('icons', icon);
        assert.match(svg, /^<svg [^>]*viewBox="0 0 40 60"/, 'a 40×60 Node-RED icon');
        assert.match(svg, /stroke="#fff"/, 'white line art like the rest of the family');
      });

      it('keeps its help in the locale files only (help in the main .html would shadow en-US)', () => {
        assert.doesNotMatch(editor, /data-help-name/);
      });

      for (const lang of LANGUAGES) {
        it(`${lang}: every key the dialog and the node use exists`, () => {
          const keys = catalogue(lang, type);
          const missing: string[] = [];
          for (const key of [...dataI18nKeys(editor), ...literalCallKeys(editor), ...literalCallKeys(runtime)]) {
            if (!keys.has(key)) missing.push(key);
          }
          for (const prefix of concatenatedKeyPrefixes(editor)) {
            if (![...keys.keys()].some((k) => k.startsWith(`${prefix}.`))) missing.push(`${prefix}.*`);
          }
          for (const key of runtimeKeys(runtime)) {
            if (!key.includes('${')) {
              if (!keys.has(key)) missing.push(key);
              continue;
            }
            const values = DYNAMIC_VALUES[key];
            if (values) {
              for (const value of values()) {
                const concrete = key.replace(/\$\{[^}]+\}/, value);
                if (!keys.has(concrete)) missing.push(concrete);
              }
            } else if (![...keys.keys()].some((k) => templatePattern(key).test(k))) {
              missing.push(key);
            }
          }
          assert.deepEqual(missing, [], `missing in nodes/locales/${lang}/${type}.json`);
        });

        it(`${lang}: help with a tooltip paragraph and the sections users look for`, () => {
          const html = helpHtml(lang, type);
          assert.match(html, new RegExp(`^<script type="text/html" data-help-name="${type}">\\s*<p>`), 'the first element is the <p> the palette shows as tooltip');
          const found = headings(html);
          const wanted = CONFIG_TYPES.has(type) ? [SECTIONS[lang][2]] : SECTIONS[lang];
          for (const section of wanted) assert.ok(found.some((h) => section.test(h)), `a section ${String(section)} (found: ${found.join(' | ')})`);
          const outputs = OUTPUT_PROPERTIES[type];
          if (outputs) {
            const section = outputsSection(html, SECTIONS[lang][1]);
            assert.match(section, /<dl class="message-properties">/);
            const documented = [...section.matchAll(/<dt(?: class="optional")?>([\w.]+)/g)].map((m) => m[1]);
            for (const property of outputs) assert.ok(documented.includes(property), `msg.${property} is documented under outputs (found ${documented.join(', ')})`);
          }
        });
      }

      it('en-US and zh-CN define the same keys, none empty, with the same __substitutions__', () => {
        const en = catalogue('en-US', type);
        const zh = catalogue('zh-CN', type);
        assert.deepEqual([...zh.keys()].sort(), [...en.keys()].sort());
        for (const [key, text] of en) {
          assert.ok(text.trim() !== '' && (zh.get(key) ?? '').trim() !== '', `${key} has text in both languages`);
          assert.deepEqual(substitutions(zh.get(key) ?? ''), substitutions(text), `${key}: same substitutions`);
        }
      });

      it('zh-CN help is a translation, not a copy of en-US', () => {
        const zh = helpHtml('zh-CN', type);
        assert.notEqual(zh, helpHtml('en-US', type));
        assert.match(zh, /[\u4e00-\u9fff]/, 'Chinese text');
        assert.match(JSON.stringify([...catalogue('zh-CN', type).values()]), /[\u4e00-\u9fff]/);
      });
    });
  }

  it('the iSC picker names every code it offers, in both languages', () => {
    const editor = read('nodes', 'hikvision-isc-subscribe.html');
    const groups = [...editor.matchAll(/group: '(\w+)', codes: \[([\d, ]+)\]/g)];
    assert.ok(groups.length > 0);
    for (const lang of LANGUAGES) {
      const keys = catalogue(lang, 'hikvision-isc-subscribe');
      for (const [, group, codes] of groups) {
        assert.ok(keys.has(`hikvision-isc-subscribe.groups.${group}`), `${lang}: group ${group}`);
        for (const code of codes.split(',').map((c) => c.trim())) assert.ok(keys.has(`hikvision-isc-subscribe.codes.${code}`), `${lang}: code ${code}`);
      }
    }
  });

  it('finds the keys it checks (the extraction is not silently empty)', () => {
    const listener = read('nodes', 'hikvision-listener.html');
    assert.ok(dataI18nKeys(listener).includes('hikvision-listener.label.config'));
    assert.ok(dataI18nKeys(listener).includes('hikvision-listener.placeholder.path'));
    assert.ok(runtimeKeys(nodeSources('hikvision-listener')).includes('hikvision-listener.status.listening'));
    assert.ok(runtimeKeys(nodeSources('hikvision-listener')).includes('hikvision-listener.errors.bad-body'));
    assert.ok(runtimeKeys(nodeSources('hikvision-httphosts')).includes('hikvision-httphosts.status.error.${kind}'));
    assert.ok(runtimeKeys(nodeSources('hikvision-httphosts')).includes('hikvision-httphosts.errors.reboot'));
    assert.deepEqual(concatenatedKeyPrefixes(read('nodes/hikvision-isc-subscribe.html')).sort(), [
      'hikvision-isc-subscribe.codes', 'hikvision-isc-subscribe.groups',
    ]);
  });
});
