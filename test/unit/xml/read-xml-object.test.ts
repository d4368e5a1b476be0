/**
 * The hand-written XML reader against fast-xml-parser configured as the listener used it before:
 * the same object for every XML document among the stored device samples and for generated
 * well-formed documents, and refusals where it is stricter.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { EVENT_ROOT, MAX_XML_DEPTH, readXml } from '../../../src/xml/read-xml-object';
import { XmlError } from '../../../src/xml/xml-error';
import { listSamples, readSample } from '../../support/samples';

/** The options xml-events.ts gave fast-xml-parser 5.12 before the reader replaced it. */
const reference = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_XML_DEPTH,
  jPath: false,
  tagValueProcessor: (_tag: string, value: string) => (value.includes('&') ? decodeForReference(value) : value),
  isArray: (tag, path) => {
    if (tag === EVENT_ROOT) return true;
    const names = typeof path === 'string' ? path.split('.') : path.toArray();
    const parent = names.length >= 2 ? names[names.length - 2] : '';
    return parent.endsWith('List');
  },
});

function decodeForReference(value: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return value.replace(/&(?:(amp|lt|gt|quot|apos)|#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6}));/g, (whole, name?: string, dec?: string, hex?: string) => {
    if (name !== undefined) return named[name];
    const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function referenceRead(text: string): Record<string, unknown> {
  const doc = reference.parse(text) as Record<string, unknown>;
  delete doc['#text'];
  return doc;
}

function assertSame(text: string, label: string): void {
  assert.deepStrictEqual(readXml(text), referenceRead(text), label);
}

const DEVICE = 'device';
const COMPLETE_EVENT = /<EventNotificationAlert[\s>](?:(?!<EventNotificationAlert[\s>])[\s\S])*?<\/EventNotificationAlert>/g;

/** Every XML document among the device samples: whole files, events in excerpts, corpus parts. */
function sampleDocuments(): { label: string; text: string }[] {
  const docs: { label: string; text: string }[] = [];
  for (const name of listSamples(DEVICE)) {
    const text = readSample(`${DEVICE}/${name}`).toString('utf8');
    if (name.endsWith('.xml')) {
      docs.push({ label: name, text });
    } else if (name.endsWith('.txt')) {
      (text.match(COMPLETE_EVENT) ?? []).forEach((doc, i) => docs.push({ label: `${name} #${i}`, text: doc }));
    } else if (name.endsWith('.jsonl')) {
      text.split('\n').filter((line) => line.trim() !== '').forEach((line, i) => {
        docs.push({ label: `${name} line ${i + 1}`, text: (JSON.parse(line) as { content: string }).content });
      });
    }
  }
  return docs;
}

function refused(text: string): void {
  assert.throws(() => readXml(text), (err: unknown) => err instanceof XmlError, text.slice(0, 80));
}

describe('push parser: XML reader', () => {
  it('gives what fast-xml-parser gave for every XML document among the device samples', () => {
    const docs = sampleDocuments();
    assert.ok(docs.length > 1500, `only ${docs.length} documents found`);
    assert.ok(docs.filter((d) => d.label.endsWith('.xml')).length > 20);
    for (const doc of docs) assertSame(doc.text, doc.label);
  });

  it('gives what fast-xml-parser gives for generated well-formed documents (property)', () => {
    const names = ['eventType', 'a', 'b', 'regionID', 'DetectionRegionList', 'RegionCoordinatesList', 'pictureInfo', 'x.y', 'item-1', 'toString', 'hasOwnProperty', 'valueOf', '中文', EVENT_ROOT];
    const texts = ['', ' ', '\n  ', '1', ' 0123 ', 'Gate & Yard', '&lt;b&gt; &amp;&amp; &#20140;&#x41;', '&nbsp;&#0;', 'a\r\nb\rc', '京A12345', 'x > y', "it's \"q\""];
    const name = fc.tuple(fc.constantFrom('', 'ns1:', 'hik:'), fc.constantFrom(...names)).map(([prefix, local]) => ({ raw: prefix + local }));
    const extra = fc.constantFrom('', ' version="2.0"', ' xmlns="urn:x" a=\'>/\'', '\n  b="1" ');
    const decoration = fc.constantFrom('', '<!-- note -->', '<?pi x?>', '<![CDATA[ raw & <b> ]]>');
    const tree = fc.letrec<{ node: string }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.tuple(name, extra, fc.constantFrom(...texts)).map(([n, attrs, text]) => `<${n.raw}${attrs}>${text}</${n.raw}>`),
        fc.tuple(name, extra).map(([n, attrs]) => `<${n.raw}${attrs}/>`),
        fc.tuple(name, extra, fc.array(fc.tuple(tie('node'), fc.constantFrom(...texts), decoration), { maxLength: 5 }), fc.constantFrom(...texts))
          .map(([n, attrs, children, tail]) => `<${n.raw}${attrs}>${children.map(([child, text, deco]) => `${text}${deco}${child}`).join('')}${tail}</${n.raw}>`),
      ),
    })).node;
    const document = fc.tuple(fc.constantFrom('', '<?xml version="1.0" encoding="UTF-8"?>\n', '\ufeff<?xml version="1.0"?>'), fc.array(tree, { minLength: 1, maxLength: 3 }), fc.constantFrom('', '\n', '<!-- end -->\n'))
      .map(([prolog, roots, end]) => `${prolog}${roots.join('\n')}${end}`);
    fc.assert(fc.property(document, (text) => assertSame(text, text)), { numRuns: 3000 });
  });

  it('shapes: leaves trimmed strings, prefixes stripped, repeats and …List children arrays, #text beside children', () => {
    assert.deepEqual(readXml('<r><a> 0123 </a><ns1:b/><c>1</c><c>2</c><xList><i>1</i></xList><EventNotificationAlert/></r>'), {
      r: { a: '0123', b: '', c: ['1', '2'], xList: { i: ['1'] }, EventNotificationAlert: [''] },
    });
    assert.deepEqual(readXml('<r>before<a/>after</r>'), { r: { a: '', '#text': 'beforeafter' } });
    assert.deepEqual(readXml('<r>a<!-- c --> b<![CDATA[ <x> ]]></r>'), { r: 'a b <x> ' });
    assert.deepEqual(readXml('<r><toString>1</toString><valueOf>2</valueOf></r>'), { r: { __toString: '1', __valueOf: '2' } });
  });

  it('refuses documents cut short, mismatched or unclosed tags, and text outside the root', () => {
    for (const text of ['<r><a>1</a>', '<r><a>1</b></r>', '<r>', '<r', '<r a="1', '<r><!-- x', '<r><![CDATA[x', '<?xml version="1.0"',
      '</r>', '<r/>tail', 'lead<r/>', '<r/><r>', '<r><a <b>1</b></r>', '']) {
      refused(text);
    }
  });

  it('refuses names that are not XML names and names that could change a prototype', () => {
    for (const text of ['<1a/>', '< a/>', '<a:/>', '<:a/>', '<a:b:c/>', '<a/b>', '<r><__proto__>x</__proto__></r>', '<r><x:constructor/></r>', '<prototype/>']) {
      refused(text);
    }
  });

  it(`allows ${MAX_XML_DEPTH} levels of nesting and refuses more`, () => {
    const nest = (depth: number) => `${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}`;
    assert.doesNotThrow(() => readXml(nest(MAX_XML_DEPTH)));
    refused(nest(MAX_XML_DEPTH + 1));
  });

  it('DOCTYPE: refused wherever it stands, with or without an internal subset or external identifiers', () => {
    refused('<!DOCTYPE r [<!ENTITY e "x"><!-- ] > --><!ELEMENT r ANY>]><r>&e;</r>');
    refused('<!DOCTYPE r><r/>');
    refused('<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>');
    refused('<!DOCTYPE r PUBLIC "-//x" "http://x/r.dtd"><r/>');
    refused('<r/><!DOCTYPE r>');
    refused('<!DOCTYPE r><!DOCTYPE r><r/>');
  });
});
