/**
 * The same sequence diagram as a picture: an SVG (lanes as vertical lines, one arrow per row,
 * the describer's text beside it) and an HTML page that embeds it with the operation's counts.
 * Self-contained files, no scripts or fonts fetched, so a student can attach one to a report.
 */
import type { LinkCount } from './counts.js';
import { formatCounts } from './counts.js';
import type { SequenceDiagram } from './diagram.js';
import { escapeXml, renderXml, xmlElement, type XmlNode } from '../format/xml-text.js';

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
  const svg = { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}` };
  return renderXml(
    xmlElement('svg', { ...svg, 'font-family': 'monospace', 'font-size': 12 }, [
      xmlElement(
        'defs',
        {},
        Object.entries(KIND_COLOURS).map(([kind, colour]) => arrowMarker(kind, colour)),
      ),
      xmlElement('rect', { width: '100%', height: '100%', fill: 'white' }),
      xmlElement('text', { x: 12, y: 20, 'font-size': 14, 'font-weight': 'bold' }, diagram.title),
      ...diagram.lanes.flatMap((lane) => laneHead(lane, laneX(lane), height)),
      ...diagram.rows.flatMap((row, i) =>
        rowShapes(row, HEADER_HEIGHT_PX + (i + 0.5) * ROW_HEIGHT_PX, laneX, textX),
      ),
    ]),
  );
}

function arrowMarker(kind: string, colour: string): XmlNode {
  const marker = { id: `arrow-${kind}`, viewBox: '0 0 10 10', refX: 10, refY: 5 };
  return xmlElement('marker', { ...marker, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' }, [
    xmlElement('path', { d: 'M0,0 L10,5 L0,10 z', fill: colour }),
  ]);
}

/** A lane's name over its dashed line. */
function laneHead(lane: string, x: number, height: number): XmlNode[] {
  const top = HEADER_HEIGHT_PX - 6;
  return [
    xmlElement('text', { x, y: HEADER_HEIGHT_PX - 12, 'text-anchor': 'middle', 'font-weight': 'bold' }, lane),
    xmlElement('line', { x1: x, y1: top, x2: x, y2: height - 12, stroke: '#999', 'stroke-dasharray': '4 3' }),
  ];
}

/** A row at height `y`: its time, then a note's dot or a message's arrow, then its text. */
function rowShapes(
  row: SequenceDiagram['rows'][number],
  y: number,
  laneX: (lane: string) => number,
  textX: number,
): XmlNode[] {
  const time = xmlElement('text', { x: 12, y: y + 4, fill: '#666' }, `+${(row.atMs / 1000).toFixed(3)} s`);
  if (row.kind === 'note') {
    return [
      time,
      xmlElement('circle', { cx: laneX(row.lane), cy: y, r: 4, fill: '#bf8700' }),
      xmlElement('text', { x: textX, y: y + 4, fill: '#7d4e00' }, row.text),
    ];
  }
  const colour = KIND_COLOURS[row.channel] ?? '#000';
  const stroke = {
    stroke: colour,
    'stroke-width': row.frames > 1 ? 3 : 1.5,
    'marker-end': `url(#arrow-${row.channel})`,
  };
  return [
    time,
    xmlElement('line', { x1: laneX(row.from), y1: y, x2: laneX(row.to), y2: y, ...stroke }),
    xmlElement('text', { x: textX, y: y + 4, fill: colour }, row.text),
  ];
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
