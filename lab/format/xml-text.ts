/**
 * XML the lab writes (JUnit reports, SVG figures) and the text inside it (also the web pages'
 * HTML): one escaper (cluster/common/markup.ts, which the daemons' web UI uses too), and
 * fast-xml-parser's XMLBuilder to lay out elements, attributes and
 * comments, so no writer closes a tag or quotes an attribute by hand.
 */
import { XMLBuilder } from 'fast-xml-parser';
import { escapeXml } from '../../cluster/common/markup.js';

export { escapeXml };

/** An element, a text or a comment, in XMLBuilder's ordered form (build it with the helpers below). */
export type XmlNode = Readonly<Record<string, unknown>>;

export type XmlAttributes = Readonly<Record<string, string | number>>;

/** `<name a="1">children</name>`; a string child is text; no children: `<name a="1"/>`. */
export function xmlElement(
  name: string,
  attributes: XmlAttributes = {},
  children: readonly (XmlNode | string)[] | string = [],
): XmlNode {
  const attrs = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [`@_${k}`, String(v)]));
  const nodes = (typeof children === 'string' ? [children] : children).map((c) =>
    typeof c === 'string' ? { '#text': c } : c,
  );
  return Object.keys(attrs).length === 0 ? { [name]: nodes } : { [name]: nodes, ':@': attrs };
}

/** `<!-- text -->`; a `--` inside becomes `- -`, as XML forbids it there. */
export function xmlComment(text: string): XmlNode {
  return { '#comment': [{ '#text': ` ${escapeXml(text)} ` }] };
}

const builder = new XMLBuilder({
  preserveOrder: true,
  format: true,
  indentBy: '  ',
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  commentPropName: '#comment',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
  // escapeXml is the one escaper: the builder adds no entities of its own.
  processEntities: false,
  tagValueProcessor: (_name: string, value: unknown) => escapeXml(String(value)),
  attributeValueProcessor: (_name: string, value: unknown) => escapeXml(String(value)),
});

/** A document, two-space indented, ending in a newline; `declaration` puts `<?xml …?>` first. */
export function renderXml(root: XmlNode, options: { declaration?: boolean } = {}): string {
  const declaration = { '?xml': [], ':@': { '@_version': '1.0', '@_encoding': 'UTF-8' } };
  const nodes = options.declaration === true ? [declaration, root] : [root];
  return `${(builder.build(nodes) as string).replace(/^\n/, '')}\n`;
}
