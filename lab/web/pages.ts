/**
 * The learning pages of `lab web`, rendered on the server from what the lab's own viewers compute:
 * the last operation as `lab trace` lays it out (lab/trace: the same operations, rows and SVG as
 * `lab trace --html`), the rack tree and distances as `lab topology` and `lab distance` compute
 * them (cluster/home/topology.ts), and the exercise progress as `lab progress` prints it. Pure: the
 * journal, the description and the progress come in. Each page is a shell around one `<main>`
 * whose content the page's script fetches again (`?part=main`) when the server says something
 * changed. Element ids are stable; the browser test finds things by them.
 */
import type { ClusterDescription } from '../../cluster/home/description.js';
import { distanceBetween, topologyOf } from '../../cluster/home/topology.js';
import type { TopologyTreeNode } from '../../cluster/net/topology.js';
import type { JournalRecord } from '../../cluster/protocol/journal-types.js';
import { LAB_WEB_OPERATIONS_LISTED_MAX, LAB_WEB_PATH_CHARS_MAX } from '../../cluster/protocol/limits.js';
import { countTraffic } from '../trace/counts.js';
import { layoutSequence } from '../trace/diagram.js';
import {
  findOperation,
  listOperations,
  OPERATION_KINDS,
  type Operation,
  type OperationKind,
} from '../trace/operations.js';
import { escapeXml } from '../format/xml-text.js';
import { PAGE_STYLE_BASE } from '../../cluster/common/markup.js';
import { renderSequenceFigure } from '../trace/svg.js';
import type { ProgressView } from './sources.js';
import { hintsTaken } from '../runner/progress.js';

export const LAB_PAGES = {
  trace: 'Last operation',
  topology: 'Rack tree',
  progress: 'Exercise progress',
} as const;
export type LabPage = keyof typeof LAB_PAGES;

/** Which operation the trace page shows: by id, the last of a kind, or (neither) the last of all. */
export interface TraceQuery {
  op?: string;
  kind?: OperationKind;
  path?: string;
}

const OP_ID_RE = /^[\w.:-]{1,200}$/;

/** The trace page's query string, checked: a message that says what is accepted otherwise. */
export function traceQueryOf(params: URLSearchParams): TraceQuery | { error: string } {
  const query: TraceQuery = {};
  const op = params.get('op');
  const kind = params.get('kind');
  const path = params.get('path');
  if (op !== null && op !== '') {
    if (!OP_ID_RE.test(op)) return { error: `op is an operation id (letters, digits, . : _ -), not ${op}` };
    query.op = op;
  }
  if (kind !== null && kind !== '' && kind !== 'any') {
    if (!(OPERATION_KINDS as readonly string[]).includes(kind)) {
      return { error: `kind is one of any, ${OPERATION_KINDS.join(', ')}, not ${kind}` };
    }
    query.kind = kind as OperationKind;
  }
  if (path !== null && path !== '') {
    if (!path.startsWith('/') || path.length > LAB_WEB_PATH_CHARS_MAX) {
      return {
        error: `path is an absolute HDFS path (at most ${LAB_WEB_PATH_CHARS_MAX} characters), not ${path}`,
      };
    }
    query.path = path;
  }
  return query;
}

/** The operation a query names; without an id or a kind, the most recent one (on `path` if given). */
export function chooseOperation(
  records: readonly JournalRecord[],
  query: TraceQuery,
): { operations: Operation[]; chosen: Operation | undefined } {
  const operations = listOperations(records);
  if (query.op !== undefined || query.kind !== undefined) {
    const chosen = findOperation(records, {
      ...(query.op !== undefined ? { op: query.op } : { last: query.kind as OperationKind }),
      ...(query.path !== undefined ? { path: query.path } : {}),
    });
    return { operations, chosen };
  }
  const fitting = operations.filter((o) => query.path === undefined || o.path === query.path);
  return { operations, chosen: fitting[fitting.length - 1] };
}

const esc = escapeXml;

function operationLabel(op: Operation): string {
  return `${op.kind}${op.path ? ` ${op.path}` : ''}`;
}

export function renderTraceMain(records: readonly JournalRecord[], query: TraceQuery): string {
  let choice: ReturnType<typeof chooseOperation>;
  try {
    choice = chooseOperation(records, query);
  } catch (error) {
    return `<h1>The last operation</h1><p class="err" id="trace-error">${esc((error as Error).message)}</p>`;
  }
  const { operations, chosen } = choice;
  const kinds = ['any', ...OPERATION_KINDS]
    .map((k) => `<a href="/lab/trace${k === 'any' ? '' : `?kind=${k}`}" class="kind">${k}</a>`)
    .join(' · ');
  const recent = operations.slice(-LAB_WEB_OPERATIONS_LISTED_MAX).reverse();
  const list = recent
    .map(
      (o) =>
        `<li${o.id === chosen?.id ? ' class="chosen"' : ''}><a href="/lab/trace?op=${encodeURIComponent(o.id)}">${esc(o.id)}</a> ${esc(operationLabel(o))} <span class="dim">${o.records.length} records</span></li>`,
    )
    .join('\n');
  const parts = [`<h1>${chosen ? `Operation ${esc(chosen.id)}` : 'The last operation'}</h1>`];
  parts.push(`<p>The last operation of a kind: ${kinds}</p>`);
  if (!chosen) {
    parts.push(
      `<p id="trace-empty">The journal holds no such operation yet: run one (e.g. <code>lab fs -put FILE /a.txt</code>) and this page draws it.</p>`,
    );
  } else {
    parts.push(
      `<p>The same diagram as <code>lab trace --op ${esc(chosen.id)}</code> (<code>--html FILE</code> saves this page's picture).</p>`,
      `<div id="trace-diagram">${renderSequenceFigure(layoutSequence(chosen), countTraffic(chosen.records))}</div>`,
    );
  }
  parts.push(`<h2>Operations in the journal (most recent first)</h2>`, `<ol id="operations">${list}</ol>`);
  return parts.join('\n');
}

function treeHtml(node: TopologyTreeNode): string {
  return node.children
    .map((child) =>
      child.leaf
        ? `<li class="datanode" data-id="${esc(child.name)}">${esc(child.name)} <code>${esc(child.leaf.address)}</code></li>`
        : `<li class="rack" data-rack="${esc(child.path)}">${esc(child.name)}<ul>${treeHtml(child)}</ul></li>`,
    )
    .join('');
}

export function renderTopologyMain(description: ClusterDescription | undefined): string {
  if (!description) {
    return '<h1>Rack tree</h1><p class="err">No cluster here (no cluster.json): start one with <code>lab start</code>.</p>';
  }
  const ends = [...description.datanodes.map((d) => d.id), 'client'];
  const header = `<tr><th></th>${ends.map((e) => `<th>${esc(e)}</th>`).join('')}</tr>`;
  const rows = ends.map((a) => {
    const cells = ends.map((b) => {
      const d = distanceBetween(description, a, b);
      return `<td title="${esc(d.path.join(' -> '))}">${d.distance}</td>`;
    });
    return `<tr class="distance" data-from="${esc(a)}"><th>${esc(a)}</th>${cells.join('')}</tr>`;
  });
  return [
    '<h1>Rack tree</h1>',
    '<p>Data centres, racks and DataNodes with their transfer addresses, as <code>lab topology</code> prints them.</p>',
    `<ul id="rack-tree"><li class="root">/<ul>${treeHtml(topologyOf(description).toTree())}</ul></li></ul>`,
    '<h2>Network distances</h2>',
    '<p>NetworkTopology.getDistance: the steps up from each end to their closest common ancestor and down to the other — 0 the same DataNode, 2 the same rack, 4 another rack of the same data centre. Hover a number for the path; <code>lab distance A B</code> prints it.</p>',
    `<table id="distances">${header}${rows.join('')}</table>`,
  ].join('\n');
}

export function renderProgressMain(view: ProgressView): string {
  const rows: string[] = [];
  for (const [packId, pack] of Object.entries(view.progress.packs)) {
    for (const [exerciseId, exercise] of Object.entries(pack.exercises)) {
      const checks = Object.entries(exercise.checks);
      const first = `<td>${esc(packId)}</td><td>${esc(exerciseId)}</td><td>${esc(exercise.status)}</td><td>${exercise.step}</td><td>${hintsTaken(exercise)}</td>`;
      if (checks.length === 0)
        rows.push(`<tr class="exercise">${first}<td></td><td></td><td></td><td></td></tr>`);
      for (const [question, check] of checks) {
        rows.push(
          `<tr class="check">${first}<td>${esc(question)}</td><td>${esc(check.status)}</td><td>${check.score}</td><td>${esc(check.at)}</td></tr>`,
        );
      }
    }
  }
  return [
    '<h1>Exercise progress</h1>',
    view.problem === undefined
      ? ''
      : `<p class="err">progress.json cannot be read (${esc(view.problem)}); <code>lab progress</code> keeps it aside and starts afresh.</p>`,
    '<p>What <code>lab progress</code> prints:</p>',
    `<pre id="progress-summary">${esc(view.summary)}</pre>`,
    '<h2>Each check</h2>',
    '<table id="progress-checks"><tr><th>Pack</th><th>Exercise</th><th>Status</th><th>Step</th><th>Hints</th><th>Question</th><th>Result</th><th>Score</th><th>Checked at</th></tr>',
    `${rows.join('\n')}</table>`,
  ].join('\n');
}

const STYLE = `${PAGE_STYLE_BASE}pre{background:#f6f8fa;padding:1em}.err{color:#a00}.dim{color:#777}li.chosen{font-weight:bold}
#live-status{padding:0 24px;color:#777;font-size:13px}code{background:#eee;padding:1px 4px}
`;

/** The page's script: redraw `<main>` when the server's change stream says so. */
const LIVE_SCRIPT = String.raw`
'use strict';
const main = document.getElementById('live');
const status = document.getElementById('live-status');
let shown = null;
async function redraw() {
  const url = new URL(location.href);
  url.searchParams.set('part', 'main');
  const res = await fetch(url);
  if (!res.ok) return;
  const html = await res.text();
  if (html !== shown) { shown = html; main.innerHTML = html; }
}
const events = new EventSource('/lab/events');
events.addEventListener('change', () => { redraw().catch(() => undefined); });
events.onopen = () => { status.textContent = 'Live: redrawn when the journal or the progress changes.'; };
events.onerror = () => { status.textContent = 'Not live: lab web is not answering (reload once it runs again).'; };
`;

/** A whole page: the menu (with the NameNode's web UI while it runs), `main`, the live script. */
export function renderShell(page: LabPage, main: string, opts: { namenodeHttpAddress?: string }): string {
  const links = Object.entries(LAB_PAGES).map(
    ([id, title]) =>
      `<a href="/lab/${id}" id="nav-${id}"${id === page ? ' class="active"' : ''}>${esc(title)}</a>`,
  );
  if (opts.namenodeHttpAddress !== undefined) {
    links.push(`<a href="http://${esc(opts.namenodeHttpAddress)}/" id="nav-namenode">NameNode web UI</a>`);
  }
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>hdfs-lab: ${esc(LAB_PAGES[page])}</title>
<style>${STYLE}</style></head>
<body>
<nav><span class="brand">hdfs-lab</span>
${links.join('\n')}
</nav>
<main id="live">
${main}
</main>
<p id="live-status"></p>
<script>
${LIVE_SCRIPT}
</script>
</body></html>
`;
}
