/**
 * The one set of XML rules, seen through both readers: the event reader (objects) and the scanner
 * the httpHosts document edits by offsets. Same documents accepted, same refused, same text out.
 */
import assert from 'node:assert/strict';
import { readXml } from '../../../src/xml/read-xml-object';
import { leafText, scanXml } from '../../../src/xml/scan-xml';
import { decodeXmlBytes, xmlTextForUtf8 } from '../../../src/xml/xml-bytes';
import { XmlError } from '../../../src/xml/xml-error';

function scannedLeaf(text: string): string | null {
  const doc = scanXml(text);
  return leafText(doc, doc.root);
}

describe('xml: one set of rules for both readers', () => {
  it('CDATA is literal in both: entities inside it stay as written', () => {
    const text = '<r><![CDATA[a &amp; <b> &#65;]]></r>';
    assert.deepEqual(readXml(text), { r: 'a &amp; <b> &#65;' });
    assert.equal(scannedLeaf(text), 'a &amp; <b> &#65;');
  });

  it('entities outside CDATA decode the same in both', () => {
    const text = '<r>x&amp;y&#65;&#x42;&nbsp;&z</r>';
    assert.deepEqual(readXml(text), { r: 'x&yAB&nbsp;&z' });
    assert.equal(scannedLeaf(text), 'x&yAB&nbsp;&z');
  });

  for (const [label, text] of [
    ['a DOCTYPE with an internal subset', '<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>'],
    ['a bare DOCTYPE', '<!DOCTYPE r><r/>'],
    ['an unquoted attribute', '<r a=b>x</r>'],
    ['an attribute without a value', '<r a>x</r>'],
    ['a repeated attribute', '<r a="1" a="2">x</r>'],
    ['"<" in an attribute value', '<r a="<">x</r>'],
    ['attributes without a blank between them', '<r a="1"b="2">x</r>'],
  ] as const) {
    it(`both refuse ${label}`, () => {
      assert.throws(() => readXml(text), XmlError);
      assert.throws(() => scanXml(text), XmlError);
    });
  }

  it('both accept quoted attributes of either kind, prefixed names and blanks before >', () => {
    const text = '<r xmlns:h="urn:x" a=\'1\' h:b = "2" ><h:c/></r >';
    assert.deepEqual(readXml(text), { r: { c: '' } });
    assert.deepEqual({ ...scanXml(text).root.attributes }, { 'xmlns:h': 'urn:x', a: '1', 'h:b': '2' });
  });
});

describe('xml: encodings', () => {
  const doc = '<?xml version="1.0" encoding="UTF-16"?><r><name>前门 Cam</name></r>';

  it('reads UTF-16 LE and BE by their byte order mark', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const bytes of [le, be]) assert.deepEqual(readXml(decodeXmlBytes(bytes).text), { r: { name: '前门 Cam' } });
    assert.equal(decodeXmlBytes(le).encoding, 'utf-16le');
    assert.equal(decodeXmlBytes(be).encoding, 'utf-16be');
  });

  it('reads a body declared GB2312 or GBK in that encoding', () => {
    // 前门 in GB2312
    const gb = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="GB2312"?><r><name>'), Buffer.from([0xc7, 0xb0, 0xc3, 0xc5]), Buffer.from('</name></r>')]);
    assert.deepEqual(readXml(decodeXmlBytes(gb).text), { r: { name: '前门' } });
    const gbk = Buffer.from(gb.toString('latin1').replace('GB2312', 'GBK'), 'latin1');
    assert.deepEqual(readXml(decodeXmlBytes(gbk).text), { r: { name: '前门' } });
  });

  it('reads UTF-8 as before, and a UTF-8 body that claims UTF-16 as UTF-8', () => {
    assert.equal(decodeXmlBytes(Buffer.from('<r>前门</r>')).text, '<r>前门</r>');
    assert.equal(decodeXmlBytes(Buffer.from(doc)).text, doc);
  });

  it('refuses an encoding nobody knows, with a clear error', () => {
    assert.throws(() => decodeXmlBytes(Buffer.from('<?xml version="1.0" encoding="x-klingon"?><r/>')), /unknown encoding "x-klingon"/);
  });

  it('text for a read-modify-write: UTF-8 unchanged, other encodings declared UTF-8', () => {
    const utf8 = '\n<?xml version="1.0" encoding="UTF-8"?>\n<r> 前门 </r>\n';
    assert.equal(xmlTextForUtf8(Buffer.from(`\ufeff${utf8}`)), utf8);
    const gb = Buffer.concat([Buffer.from('<?xml version="1.0" encoding=\'GB2312\'?><r>'), Buffer.from([0xc7, 0xb0, 0xc3, 0xc5]), Buffer.from('</r>')]);
    assert.equal(xmlTextForUtf8(gb), '<?xml version="1.0" encoding=\'UTF-8\'?><r>前门</r>');
  });
});
