import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderXml, xmlComment, xmlElement } from '../../lab/format/xml-text.js';

describe('the XML the lab writes', () => {
  it('escapes each value once and reads back as written', () => {
    const text = 'found "<b>&" at 5 > 4';
    const xml = renderXml(xmlElement('failure', { message: text }, text), { declaration: true });
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<failure message="found &quot;&lt;b&gt;&amp;&quot; at 5 &gt; 4">found &quot;&lt;b&gt;&amp;&quot; at 5 &gt; 4</failure>',
        '',
      ].join('\n'),
    );
    const read = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as {
      failure: { message: string; '#text': string };
    };
    expect(read.failure).toEqual({ message: text, '#text': text });
  });

  it('drops the control characters XML 1.0 cannot carry and keeps -- out of comments', () => {
    const xml = renderXml(xmlElement('testsuites', {}, [xmlComment('bad -- line\u0001 ends in -')]));
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toBe('<testsuites>\n  <!-- bad - - line ends in - -->\n</testsuites>\n');
  });
});
