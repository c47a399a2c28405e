/**
 * What each pane says, as lines of blessed-tagged text, from the state model. Pure: the shell
 * only puts these strings into boxes. Every line is cut to the pane's width before it is coloured,
 * so nothing wraps and a resize never garbles a pane.
 */
import { formatByteDesc } from '../../cluster/common/units.js';
import { formatAgo } from '../cli/output.js';
import {
  highlightedNodes,
  selectedFile,
  visibleTraffic,
  PULSE_MS,
  type DashboardState,
  type EntryKind,
  type NodeState,
} from './state.js';
import { xferAddr } from '../../cluster/protocol/types.js';

/** Colours of traffic lines by kind (the same palette as the trace SVG). */
export const KIND_COLOURS: Record<EntryKind, string> = {
  rpc: 'cyan',
  data: 'green',
  heartbeat: 'gray',
  http: 'magenta',
  event: 'yellow',
};

const STATE_COLOURS: Record<NodeState, string> = {
  live: 'green',
  stale: 'yellow',
  dead: 'red',
  decommissioning: 'blue',
  decommissioned: 'magenta',
  'entering maintenance': 'cyan',
  'in maintenance': 'cyan',
  unknown: 'gray',
};

/** blessed reads `{…}` as tags; text from the cluster is escaped. */
export function escapeTags(text: string): string {
  return text.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}

/** Cut plain text to `width` columns (an ellipsis marks the cut). */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** Fit, escape and colour one piece of text; `styles` are blessed tags such as bold or inverse. */
function paint(text: string, colour: string | null, width: number, ...styles: string[]): string {
  const tags = [...(colour ? [`${colour}-fg`] : []), ...styles.filter(Boolean)];
  const body = escapeTags(fit(text, width));
  return `${tags.map((t) => `{${t}}`).join('')}${body}${tags
    .reverse()
    .map((t) => `{/${t}}`)
    .join('')}`;
}

/** Local time to the millisecond; only seconds.millis in a narrow pane, where the text matters more. */
function clock(t: number, narrow: boolean): string {
  const d = new Date(t);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const seconds = `${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return narrow ? seconds : `${pad(d.getHours())}:${pad(d.getMinutes())}:${seconds}`;
}

/** Below this pane width the traffic lines drop hours and minutes. */
const NARROW_TRAFFIC_COLUMNS = 70;

/** Racks with their DataNodes (state, address, pulse); the NameNodes above. Replicas of the selected file marked ◆. */
export function topologyLines(state: DashboardState, width: number, nowMs: number): string[] {
  const highlighted = highlightedNodes(state);
  const lines: string[] = [];
  const nodeLine = (index: number, indent: string): string => {
    const n = state.nodes[index]!;
    const selected = state.focus === 'nodes' && state.selectedNode === index;
    const pulse = n.lastHeartbeatMs !== null && nowMs - n.lastHeartbeatMs < PULSE_MS ? '♥' : ' ';
    const mark = highlighted.has(n.id) ? '◆' : ' ';
    const down = n.processUp === false && n.state !== 'dead' ? ' (process gone)' : '';
    const text = `${selected ? '>' : ' '}${indent}${mark}${n.id.padEnd(4)} ${n.state.padEnd(5)} ${pulse} ${n.address}${down}`;
    return paint(
      text,
      STATE_COLOURS[n.state],
      width,
      selected ? 'inverse' : '',
      highlighted.has(n.id) ? 'bold' : '',
    );
  };
  state.nodes.forEach((n, i) => {
    if (n.role !== 'dn') lines.push(nodeLine(i, ''));
  });
  const racks = [...new Set(state.nodes.filter((n) => n.role === 'dn').map((n) => n.rack))].sort();
  for (const rack of racks) {
    lines.push(paint(rack, 'white', width, 'bold'));
    state.nodes.forEach((n, i) => {
      if (n.role === 'dn' && n.rack === rack) lines.push(nodeLine(i, ' '));
    });
  }
  return lines;
}

/** The last traffic lines that fit, coloured by kind; a header line says paused / filter. */
export function trafficLines(state: DashboardState, width: number, rows: number): string[] {
  const notes = [
    state.frozen
      ? state.scrollBack > 0
        ? `BACK ${state.scrollBack} (PgDn, p resumes)`
        : 'PAUSED (p resumes)'
      : '',
    state.filter ? `filter: ${state.filter}` : '',
  ].filter(Boolean);
  const header = notes.length > 0 ? [paint(notes.join('  '), 'white', width, 'inverse')] : [];
  const entries = visibleTraffic(state, Math.max(0, rows - header.length));
  return [
    ...header,
    ...entries.map((e) =>
      paint(`${clock(e.t, width < NARROW_TRAFFIC_COLUMNS)} ${e.text}`, KIND_COLOURS[e.kind], width),
    ),
  ];
}

/** The file tree, then the selected file's blocks with the DataNodes of each replica. */
export function namespaceLines(state: DashboardState, width: number, rows: number): string[] {
  if (state.files.length === 0) {
    return [
      paint(
        state.namenodeReachable
          ? '(empty namespace: press u to put a sample file)'
          : '(waiting for the NameNode)',
        'gray',
        width,
      ),
    ];
  }
  const file = selectedFile(state);
  const blockLines: string[] = [];
  if (file && !file.isDir) {
    blockLines.push(
      paint(`${file.path}  ${formatByteDesc(file.length)}  repl ${file.replication}`, 'white', width, 'bold'),
    );
    for (const b of file.blocks) {
      const flags = [
        b.corrupt.length > 0 ? `corrupt on ${b.corrupt.join(',')}` : '',
        b.underReplicated ? 'under-replicated' : '',
      ].filter(Boolean);
      const colour = b.corrupt.length > 0 ? 'red' : b.underReplicated ? 'yellow' : null;
      blockLines.push(
        paint(
          ` ${b.name} [${b.replicas.join(' ')}]${flags.length ? ` ${flags.join(', ')}` : ''}`,
          colour,
          width,
        ),
      );
    }
  }
  const treeRows = Math.max(1, rows - blockLines.length);
  // Scroll the tree so the selection stays visible.
  const first = Math.max(
    0,
    Math.min(state.selectedFile - Math.floor(treeRows / 2), state.files.length - treeRows),
  );
  const tree = state.files.slice(first, first + treeRows).map((f, i) => {
    const index = first + i;
    const selected = index === state.selectedFile;
    const name = f.path === '/' ? '/' : `${f.path.slice(f.path.lastIndexOf('/') + 1)}${f.isDir ? '/' : ''}`;
    const bad = f.blocks.some((b) => b.corrupt.length > 0)
      ? 'red'
      : f.blocks.some((b) => b.underReplicated)
        ? 'yellow'
        : f.isDir
          ? 'blue'
          : null;
    const text = `${selected && state.focus === 'files' ? '>' : ' '}${'  '.repeat(Math.max(0, f.depth - 1))}${name}`;
    return paint(text, bad, width, selected ? (state.focus === 'files' ? 'inverse' : 'underline') : '');
  });
  return [...tree, ...blockLines].slice(0, rows);
}

/** One row per DataNode: address, rack, used / capacity, blocks, last contact, transfers in progress (xceivers). */
export function datanodeLines(state: DashboardState, width: number, nowMs: number): string[] {
  const header = paint(
    'NAME ADDRESS          RACK        USED/CAPACITY      BLOCKS  CONTACT   XCEIVERS',
    'white',
    width,
    'bold',
  );
  if (state.datanodes.length === 0) return [header, paint('(no DataNode report yet)', 'gray', width)];
  return [
    header,
    ...state.datanodes.map((dn) => {
      const used = `${formatByteDesc(dn.dfsUsed)}/${formatByteDesc(dn.capacity)}`;
      const contact = dn.lastUpdate > 0 ? formatAgo(dn.lastUpdate, nowMs) : 'never';
      const text = `${dn.name.padEnd(4)} ${xferAddr(dn).padEnd(16)} ${dn.networkLocation.padEnd(11)} ${used.padEnd(18)} ${String(dn.numBlocks).padStart(6)}  ${contact.padEnd(9)} ${dn.xceiverCount}`;
      return paint(text, STATE_COLOURS[dn.liveness], width);
    }),
  ];
}

const SPARKS = '▁▂▃▄▅▆▇█';

/** A sparkline of `values` scaled to their maximum (all quiet: a flat baseline). */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values
    .map((v) => (max === 0 ? SPARKS[0] : SPARKS[Math.min(7, Math.floor((v / max) * 7.999))]))
    .join('');
}

/** Bytes per second moved by each DataNode over the last minute, newest on the right. */
export function chartLines(state: DashboardState, width: number, nowMs: number): string[] {
  const lines: string[] = [];
  for (const [id, series] of state.rates) {
    const values = series.series(nowMs - 1000); // the current second is still filling
    const now = values[values.length - 1] ?? 0;
    const label = `${id.padEnd(4)} `;
    const rate = ` ${formatByteDesc(now)}/s`;
    const room = Math.max(0, width - label.length - rate.length);
    lines.push(
      `${paint(label, null, width)}${paint(sparkline(values.slice(-room)), 'green', room)}${paint(rate, null, width)}`,
    );
  }
  return lines;
}

/**
 * ON with why, from the first sentence of the NameNode's safe-mode tip ("Resources are low on NN."
 * on a full disk, "The reported blocks 3 needs additional 2 blocks …" at start-up, "It was turned on
 * manually."): the reason a put is refused is the first thing a student needs to see.
 */
function safemodeText(safemode: { on: boolean; tip: string }): string {
  if (!safemode.on) return 'OFF';
  const reason = /^[^.]*\./.exec(safemode.tip.trim())?.[0];
  return reason ? `ON (${reason})` : 'ON';
}

/** NameNode status: safemode, last txid, last checkpoint, DataNodes live / stale / dead, block health. */
export function statusLines(state: DashboardState, width: number, nowMs: number): string[] {
  const s = state.status;
  if (!state.statusPolled) return [paint('asking the NameNode…', 'gray', width)];
  if (!state.namenodeReachable || !s) {
    return [
      paint(s ? 'NameNode not answering (last known status below)' : 'NameNode not answering', 'red', width),
    ];
  }
  const checkpoint =
    s.lastCheckpointMs > 0
      ? `txid ${s.lastCheckpointTxid}, ${formatAgo(s.lastCheckpointMs, nowMs)}`
      : 'none yet';
  return [
    paint(
      `safemode ${safemodeText(s.safemode)}  txid ${s.lastTxid}  checkpoint ${checkpoint}`,
      s.safemode.on ? 'yellow' : null,
      width,
    ),
    paint(
      `DataNodes live ${s.live}  stale ${s.stale}  dead ${s.dead}`,
      s.dead > 0 ? 'red' : s.stale > 0 ? 'yellow' : 'green',
      width,
    ),
    paint(
      `blocks ${s.blocks}  under ${s.underReplicated}  corrupt ${s.corruptBlocks}  missing ${s.missingBlocks}`,
      s.missingBlocks > 0 || s.corruptBlocks > 0 ? 'red' : s.underReplicated > 0 ? 'yellow' : null,
      width,
    ),
  ];
}

export const HELP_LINES = [
  'hdfs-lab dashboard keys',
  '',
  '  ?        this help (any key closes it)',
  '  Tab      move the selection between topology and namespace',
  '  ↑ ↓      select a node (topology) or a file (namespace)',
  '  k        kill the selected node (SIGKILL, like a crash)',
  '  r        restart the selected node',
  "  c        corrupt a replica of the selected file's first block",
  '  u        put a sample file into /samples',
  '  C        make the Secondary NameNode checkpoint now',
  '  f        filter traffic: rpc, data, http, heartbeat, event, or any text',
  '  p        pause / resume the traffic pane',
  '  PgUp/PgDn scroll the traffic pane back and forward',
  '  q        quit (asks: stop the cluster or leave it running)',
];

export const FOOTER_KEYS =
  '? help  Tab focus  k kill  r restart  c corrupt  u put  C checkpoint  f filter  p pause  q quit';
