/**
 * What every page and document the lab writes shares, daemons and CLI alike: the escapers of
 * text inside XML or HTML (the lab's own, and the one Hadoop's serializers apply), and the look of the HTML pages (the NameNode's web UI and lab web's
 * learning pages: the page, the menu bar, the tables).
 */

/**
 * Text inside an XML document: the four characters that would end a double-quoted value or
 * start markup are escaped (every attribute the lab writes is double-quoted), and the control
 * characters XML 1.0 cannot carry (all below U+0020 but tab, newline and carriage return) are
 * dropped.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/./gsu, (c) => (c < ' ' && c !== '\t' && c !== '\n' && c !== '\r' ? '' : c))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * Text as an XML serializer writes an element's content (Java's DOM Transformer, the SAX
 * serializer): `&`, `<` and `>` escaped, quotes left as they are. For documents whose bytes are
 * Hadoop's: a Configuration's XML (`/conf`, site files) and oev's.
 */
export function escapeXmlContent(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** The stylesheet every lab HTML page starts from; each page adds its own rules after it. */
export const PAGE_STYLE_BASE = `
body{font-family:sans-serif;margin:0;background:#fafafa;color:#222}
nav{background:#2d3e50;padding:0 16px}nav a{color:#ddd;display:inline-block;padding:12px 10px;text-decoration:none}
nav a.active{color:#fff;background:#1b2836}nav .brand{color:#fff;font-weight:bold;margin-right:16px}
main{padding:8px 24px}table{border-collapse:collapse;margin:8px 0 16px}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}th{background:#eee}
`;
