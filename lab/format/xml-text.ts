/**
 * Text inside an XML document the lab writes (JUnit reports, SVG and HTML figures): the five
 * characters that would end a value or start markup are escaped, and the control characters
 * XML 1.0 cannot carry (all below U+0020 but tab, newline and carriage return) are dropped.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/./gsu, (c) => (c < ' ' && c !== '\t' && c !== '\n' && c !== '\r' ? '' : c))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
