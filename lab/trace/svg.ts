/**
 * The same sequence diagram as a picture: an SVG (lanes as vertical lines, one arrow per row,
 * the describer's text beside it) and an HTML page that embeds it with the operation's counts.
 * Self-contained files, no scripts or fonts fetched, so a student can attach one to a report.
 */
import type { LinkCount } from './counts.js';
import { formatCounts } from './counts.js';
import type { SequenceDiagram } from './diagram.js';
import { escapeXml } from '../format/xml-text.js';

const LANE_GAP_PX = 110;
const ROW_HEIGHT_PX = 22;
const MARGIN_LEFT_PX = 90; // room for the time column
const HEADER_HEIGHT_PX = 56;
const TEXT_CHAR_PX = 7; // monospace 12px, for the width estimate

/** Arrow colours by kind, the dashboard's palette. */
const KIND_COLOURS: Record<string, string> = {
  rpc: '#1f6feb',
  data: '#2da44e',
  heartbeat: '#8c959f',
  http: '#8250df',
};

export function renderSequenceSvg(diagram: SequenceDiagram): string {
  const laneX = (lane: string): number => MARGIN_LEFT_PX + diagram.lanes.indexOf(lane) * LANE_GAP_PX;
  const textX = MARGIN_LEFT_PX + (diagram.lanes.length - 1) * LANE_GAP_PX + 24;
  const longest = Math.max(0, ...diagram.rows.map((r) => r.text.length));
  const width = textX + longest * TEXT_CHAR_PX + 24;
  const height = HEADER_HEIGHT_PX + diagram.rows.length * ROW_HEIGHT_PX + 24;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="12">`,
    '<defs>',
    ...Object.entries(KIND_COLOURS).map(
      ([kind, colour]) =>
        `<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`,
    ),
    '</defs>',
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="12" y="20" font-size="14" font-weight="bold">${escapeXml(diagram.title)}</text>`,
  ];
  for (const lane of diagram.lanes) {
    const x = laneX(lane);
    out.push(
      `<text x="${x}" y="${HEADER_HEIGHT_PX - 12}" text-anchor="middle" font-weight="bold">${escapeXml(lane)}</text>`,
    );
    out.push(
      `<line x1="${x}" y1="${HEADER_HEIGHT_PX - 6}" x2="${x}" y2="${height - 12}" stroke="#999" stroke-dasharray="4 3"/>`,
    );
  }
  diagram.rows.forEach((row, i) => {
    const y = HEADER_HEIGHT_PX + i * ROW_HEIGHT_PX + ROW_HEIGHT_PX / 2;
    out.push(`<text x="12" y="${y + 4}" fill="#666">+${(row.atMs / 1000).toFixed(3)} s</text>`);
    if (row.kind === 'note') {
      out.push(`<circle cx="${laneX(row.lane)}" cy="${y}" r="4" fill="#bf8700"/>`);
      out.push(`<text x="${textX}" y="${y + 4}" fill="#7d4e00">${escapeXml(row.text)}</text>`);
      return;
    }
    const colour = KIND_COLOURS[row.channel] ?? '#000';
    out.push(
      `<line x1="${laneX(row.from)}" y1="${y}" x2="${laneX(row.to)}" y2="${y}" stroke="${colour}" stroke-width="${row.frames > 1 ? 3 : 1.5}" marker-end="url(#arrow-${row.channel})"/>`,
    );
    out.push(`<text x="${textX}" y="${y + 4}" fill="${colour}">${escapeXml(row.text)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** The diagram and its counts as an HTML fragment: what `lab trace --html` and `lab web` show. */
export function renderSequenceFigure(diagram: SequenceDiagram, counts: readonly LinkCount[]): string {
  return [
    renderSequenceSvg(diagram).trimEnd(),
    '<h2>Messages and bytes per link</h2>',
    `<pre>${escapeXml(formatCounts(counts))}</pre>`,
  ].join('\n');
}

export function renderSequenceHtml(diagram: SequenceDiagram, counts: readonly LinkCount[]): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeXml(diagram.title)}</title>`,
    '<style>body{font-family:sans-serif;margin:1.5em}pre{background:#f6f8fa;padding:1em}</style>',
    '</head>',
    '<body>',
    `<h1>lab trace ${escapeXml(diagram.title)}</h1>`,
    renderSequenceFigure(diagram, counts),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
