/**
 * The NameNode's web UI (dfshealth.html and explorer.html in Hadoop): one static page whose script
 * reads what any tool reads — `/jmx` for Overview, Datanodes and Snapshot (SnapshotInfo),
 * `/startupProgress` for Startup Progress, WebHDFS for
 * Utilities → Browse the file system (LISTSTATUS, GET_BLOCK_LOCATIONS for each block's id,
 * genstamp, size and DataNodes; OPEN to download; CREATE with noredirect to upload straight to a
 * DataNode, as Hadoop's explorer.js does), and beyond Hadoop's page the selected block on the rack
 * tree (/jmx LiveNodes by rack, replicas marked, distances between them). No external scripts or
 * styles: the lab runs offline.
 * Element ids are stable; the browser test drives the page by them.
 */
import { escapeXml, PAGE_STYLE_BASE } from '../common/markup.js';

export interface UiPage {
  contentType: string;
  body: string;
}

const HTML = 'text/html; charset=utf-8';

/** The page for a path of the NameNode's HTTP server, or undefined when the UI has none. */
export function namenodeUiPage(
  pathname: string,
  opts: { defaultUser: string; learningPagesUrl?: string | undefined },
): UiPage | undefined {
  if (
    pathname === '/' ||
    pathname === '/index.html' ||
    pathname === '/dfshealth.html' ||
    pathname === '/explorer.html'
  ) {
    return { contentType: HTML, body: dfshealthHtml(opts.defaultUser, opts.learningPagesUrl) };
  }
  return undefined;
}

const STYLE = `${PAGE_STYLE_BASE}h1{font-size:22px}h2{font-size:18px;margin-top:20px}.tab{display:none}.tab.shown{display:block}
.err{color:#a00}.dead{background:#fdd}code{background:#eee;padding:1px 4px}
ul.legend{list-style:none;padding:0;margin:4px 0}ul.legend li{display:inline-block;margin-right:16px}
[class*="dfshealth-node-"]::before{margin-right:4px}.dfshealth-node-alive::before{content:"\\2714";color:#3a3}
.dfshealth-node-down::before{content:"\\2716";color:#c33}.dfshealth-node-decommissioning::before{content:"\\21bb";color:#c80}
.dfshealth-node-decommissioned::before{content:"\\25cf";color:#888}.dfshealth-node-down-decommissioned::before{content:"\\25cf";color:#c33}
.dfshealth-node-entering-maintenance::before{content:"\\2692";color:#c80}.dfshealth-node-in-maintenance::before{content:"\\2692";color:#666}
.dfshealth-node-down-maintenance::before{content:"\\2692";color:#c33}
`;

/** Beyond Hadoop's menu: the lab's learning pages, linked only while `lab web` serves them. */
function learningPagesLink(url: string | undefined): string {
  return url === undefined
    ? ''
    : `<a href="${escapeXml(url)}" id="nav-learning">Learning pages (lab web)</a>\n`;
}

function dfshealthHtml(defaultUser: string, learningPagesUrl: string | undefined): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Namenode information</title>
<style>${STYLE}</style></head>
<body>
<nav><span class="brand">Hadoop</span>
<a href="#tab-overview" id="nav-overview">Overview</a>
<a href="#tab-datanode" id="nav-datanode">Datanodes</a>
<a href="#tab-snapshot" id="nav-snapshot">Snapshot</a>
<a href="#tab-startup-progress" id="nav-startup-progress">Startup Progress</a>
<a href="#tab-explorer" id="nav-explorer">Utilities: Browse the file system</a>
${learningPagesLink(learningPagesUrl)}</nav>
<main>
<section class="tab" id="tab-overview">
<h1>Overview <span id="nn-address"></span> (<span id="nn-state"></span>)</h1>
<table id="overview-table"></table>
<h2>Summary</h2>
<p id="missing-blocks" hidden></p>
<p id="security"></p>
<p id="safemode"></p>
<p id="objects"></p>
<table id="summary-table"></table>
<h2>NameNode Journal Status</h2>
<table id="journal-table"></table>
<h2>NameNode Storage</h2>
<table id="storage-table"></table>
</section>
<section class="tab" id="tab-datanode">
<h1>Datanode Information</h1>
<ul class="legend"><li class="dfshealth-node-alive">In service</li><li class="dfshealth-node-down">Down</li><li class="dfshealth-node-decommissioning">Decommissioning</li><li class="dfshealth-node-decommissioned">Decommissioned</li><li class="dfshealth-node-down-decommissioned">Decommissioned &amp; dead</li></ul>
<ul class="legend"><li class="dfshealth-node-entering-maintenance">Entering Maintenance</li><li class="dfshealth-node-in-maintenance">In Maintenance</li><li class="dfshealth-node-down-maintenance">In Maintenance &amp; dead</li></ul>
<h2>In operation</h2>
<table id="datanodes-table"><thead><tr><th>Node</th><th>Http Address</th><th>Rack</th><th>Last contact</th>
<th>Capacity</th><th>Used</th><th>Remaining</th><th>Blocks</th><th>Block pool used</th><th>Admin state</th><th>Version</th></tr></thead><tbody></tbody></table>
<h2>Dead</h2>
<table id="dead-datanodes-table"><thead><tr><th>Node</th><th>Last contact</th><th>Admin state</th></tr></thead><tbody></tbody></table>
<h2>Entering Maintenance</h2>
<p id="maintenance-none">No nodes are entering maintenance.</p>
<table id="maintenance-datanodes-table"><thead><tr><th>Node</th><th>Under replicated blocks</th><th>Blocks with no live replicas</th><th>Under Replicated Blocks <br/>In files under construction</th></tr></thead><tbody></tbody></table>
<h2>Decommissioning</h2>
<p id="decom-none">No nodes are decommissioning</p>
<table id="decom-datanodes-table"><thead><tr><th>Node</th><th>Under replicated blocks</th><th>Blocks with no live replicas</th><th>Under Replicated Blocks <br/>In files under construction</th></tr></thead><tbody></tbody></table>
</section>
<section class="tab" id="tab-snapshot">
<h1>Snapshot Summary</h1>
<h2>Snapshottable directories: <span id="snapshottable-count"></span></h2>
<table id="snapshottable-table"><thead><tr><th>Path</th><th>Snapshot Number</th><th>Snapshot Quota</th>
<th>Modification Time</th><th>Permission</th><th>Owner</th><th>Group</th></tr></thead><tbody></tbody></table>
<h2>Snapshotted directories: <span id="snapshots-count"></span></h2>
<table id="snapshots-table"><thead><tr><th>Snapshot ID</th><th>Snapshot Directory</th><th>Modification Time</th></tr></thead><tbody></tbody></table>
<p>From the <a href="/jmx?qry=Hadoop:service=NameNode,name=SnapshotInfo">SnapshotInfo bean</a>, the
snapshottable directories the NameNode answers <code>lab lsSnapshottableDir</code> with.</p>
</section>
<section class="tab" id="tab-startup-progress">
<h1>Startup Progress</h1>
<p id="startup-summary"></p>
<table id="startup-table"><thead><tr><th>Phase</th><th>Completion</th><th>Elapsed Time</th></tr></thead><tbody></tbody></table>
<p>From <a href="/startupProgress">/startupProgress</a>, as Hadoop's StartupProgressServlet serves it.</p>
</section>
<section class="tab" id="tab-explorer">
<h1>Browse Directory</h1>
<form id="explorer-form"><input id="explorer-path" size="60" value="/"> <button id="explorer-go">Go!</button>
 as user <input id="explorer-user" size="12" value="${escapeXml(defaultUser)}"></form>
<p id="explorer-error" class="err"></p>
<table id="explorer-table"><thead><tr><th>Permission</th><th>Owner</th><th>Group</th><th>Size</th>
<th>Last Modified</th><th>Replication</th><th>Block Size</th><th>Name</th></tr></thead><tbody></tbody></table>
<p>Upload to this directory: <input type="file" id="upload-file"> <button id="upload-button">Upload</button>
<span id="upload-status"></span></p>
<div id="file-info" style="display:none">
<h2>File information - <span id="file-name"></span></h2>
<p><a id="file-download" href="#">Download</a></p>
<p>Block <select id="block-select"></select></p>
<table id="block-info"></table>
<h2>The block on the rack tree</h2>
<p>Every live DataNode under its rack; <b>bold</b> ones hold a replica of this block (#1 is the
first the reader is offered). Network distance (NetworkTopology.getDistance): the steps from each
DataNode up to the closest common ancestor and down to the other: 0 the same DataNode, 2 the same
rack, 4 another rack.</p>
<ul id="rack-tree"></ul>
<table id="replica-distances"></table>
</div>
</section>
</main>
<script>
${CLIENT_SCRIPT}
</script>
</body></html>
`;
}

/** The page's script: plain browser JavaScript, no framework. */
const CLIENT_SCRIPT = String.raw`
'use strict';
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => '&#' + c.charCodeAt(0) + ';');
const fmtBytes = (n) => {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = Number(n), u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return (u === 0 ? v : v.toFixed(2)) + ' ' + units[u];
};
const fmtDate = (ms) => (Number(ms) > 0 ? new Date(Number(ms)).toString() : 'Never');
const rows = (pairs) => pairs.map(([k, v]) => '<tr><th>' + esc(k) + '</th><td>' + v + '</td></tr>').join('');
async function jmx(name) {
  const r = await fetch('/jmx?qry=' + encodeURIComponent(name));
  const body = await r.json();
  return body.beans[0] || {};
}
function modeString(type, perm) {
  const p = parseInt(perm, 8);
  const bits = 'rwxrwxrwx'.split('').map((c, i) => (p & (1 << (8 - i)) ? c : '-')).join('');
  const sticky = p & 0o1000 ? bits.slice(0, 8) + (bits[8] === 'x' ? 't' : 'T') : bits;
  return (type === 'DIRECTORY' ? 'd' : '-') + sticky;
}

async function showOverview() {
  const info = await jmx('Hadoop:service=NameNode,name=NameNodeInfo');
  const state = await jmx('Hadoop:service=NameNode,name=FSNamesystemState');
  const status = await jmx('Hadoop:service=NameNode,name=NameNodeStatus');
  $('nn-address').textContent = "'" + status.HostAndPort + "'";
  $('nn-state').textContent = status.State;
  $('overview-table').innerHTML = rows([
    ['Started:', esc(fmtDate(info.NNStartedTimeInMillis))],
    ['Version:', esc(info.Version)],
    ['Compiled:', esc(info.CompileInfo)],
    ['Cluster ID:', '<span id="cluster-id">' + esc(info.ClusterId) + '</span>'],
    ['Block Pool ID:', '<span id="block-pool-id">' + esc(info.BlockPoolId) + '</span>'],
  ]);
  // dfshealth.html's Summary, in its words: security, safe mode, the objects line, then the table.
  const fsn = await jmx('Hadoop:service=NameNode,name=FSNamesystem');
  const missing = Number(info.NumberOfMissingBlocks || 0);
  $('missing-blocks').hidden = missing === 0;
  $('missing-blocks').textContent = 'There are ' + missing + ' missing blocks. Please check the logs or run fsck in order to identify the missing blocks.';
  $('security').textContent = 'Security is ' + (status.SecurityEnabled ? 'on' : 'off') + '.';
  $('safemode').textContent = info.Safemode || 'Safemode is off.';
  // Every lab block is replicated: no erasure-coded block groups.
  const files = Number(state.FilesTotal || 0);
  const blocks = Number(state.BlocksTotal || 0);
  $('objects').textContent = files + ' files and directories, ' + blocks + ' blocks (' + blocks +
    ' replicated blocks, 0 erasure coded block groups) = ' + (files + blocks) + ' total filesystem object(s).';
  const live = JSON.parse(info.LiveNodes || '{}');
  const dead = JSON.parse(info.DeadNodes || '{}');
  const pct = (v) => ' (' + Number(v).toFixed(2) + '%)';
  $('summary-table').innerHTML = rows([
    ['Configured Capacity:', esc(fmtBytes(info.Total))],
    ['DFS Used:', esc(fmtBytes(info.Used)) + pct(info.PercentUsed)],
    ['Non DFS Used:', esc(fmtBytes(info.NonDfsUsedSpace))],
    ['DFS Remaining:', esc(fmtBytes(info.Free)) + pct(info.PercentRemaining)],
    ['Block Pool Used:', esc(fmtBytes(info.BlockPoolUsedSpace)) + pct(info.PercentBlockPoolUsed)],
    ['Live Nodes', '<a href="#tab-datanode" id="live-nodes">' + Object.keys(live).length + '</a> (Decommissioned: ' + esc(state.NumDecomLiveDataNodes || 0) + ', In Maintenance: ' + esc(state.NumInMaintenanceLiveDataNodes || 0) + ')'],
    ['Dead Nodes', '<a href="#tab-datanode" id="dead-nodes">' + Object.keys(dead).length + '</a> (Decommissioned: ' + esc(state.NumDecomDeadDataNodes || 0) + ', In Maintenance: ' + esc(state.NumInMaintenanceDeadDataNodes || 0) + ')'],
    ['Decommissioning Nodes', String(state.NumDecommissioningDataNodes || 0)],
    ['Entering Maintenance Nodes', String(state.NumEnteringMaintenanceDataNodes || 0)],
    ['Number of Under-Replicated Blocks', esc(fsn.UnderReplicatedBlocks ?? 0)],
    ['Number of Blocks Pending Deletion (including replicas)', esc(state.PendingDeletionBlocks ?? 0)],
    ['Last Checkpoint Time', esc(fmtDate(fsn.LastCheckpointTime))],
  ]);
  const journal = JSON.parse(info.JournalTransactionInfo || '{}');
  $('journal-table').innerHTML = rows([
    ['Current transaction ID:', esc(journal.LastAppliedOrWrittenTxId ?? '')],
    ['Most recent checkpoint transaction ID:', esc(journal.MostRecentCheckpointTxId ?? '')],
  ]);
  const dirs = JSON.parse(info.NameDirStatuses || '{}');
  const active = Object.entries(dirs.active || {});
  const failed = Object.entries(dirs.failed || {});
  $('storage-table').innerHTML = '<tr><th>Storage Directory</th><th>Type</th><th>State</th></tr>' +
    active.map(([d, t]) => '<tr><td>' + esc(d) + '</td><td>' + esc(t) + '</td><td>Active</td></tr>').join('') +
    failed.map(([d, t]) => '<tr><td>' + esc(d) + '</td><td>' + esc(t) + '</td><td>Failed</td></tr>').join('');
}

// dfshealth.js's augment_live_nodes and augment_dead_nodes: the admin state as the icon's class.
const LIVE_STATES = { 'In Service': 'alive', 'Decommission In Progress': 'decommissioning', Decommissioned: 'decommissioned', 'Entering Maintenance': 'entering-maintenance', 'In Maintenance': 'in-maintenance' };
const liveState = (adminState) => LIVE_STATES[adminState] || '';
const deadState = (adminState) =>
  adminState === 'Decommissioned' ? 'down-decommissioned' : adminState === 'In Maintenance' ? 'down-maintenance' : 'down';
/** Fills a leaving-nodes table, or shows its "No nodes are …" line when the bean's map is empty. */
function leavingTable(id, noneId, nodes, rowClass, onlyReplicas) {
  const entries = Object.entries(nodes).sort();
  $(noneId).style.display = entries.length === 0 ? '' : 'none';
  $(id).style.display = entries.length === 0 ? 'none' : '';
  $(id).tBodies[0].innerHTML = entries.map(([name, d]) =>
    '<tr class="datanode ' + rowClass + '"><td>' + esc(name) + ' (' + esc(d.xferaddr) + ')</td><td>' +
    esc(d.underReplicatedBlocks) + '</td><td>' + esc(d[onlyReplicas]) + '</td><td>' +
    esc(d.underReplicateInOpenFiles) + '</td></tr>').join('');
}

async function showDatanodes() {
  const info = await jmx('Hadoop:service=NameNode,name=NameNodeInfo');
  const live = JSON.parse(info.LiveNodes || '{}');
  const dead = JSON.parse(info.DeadNodes || '{}');
  $('datanodes-table').tBodies[0].innerHTML = Object.entries(live).sort().map(([name, d]) =>
    '<tr class="datanode"><td class="dfshealth-node-' + liveState(d.adminState) + '">' + esc(name) + ' (' + esc(d.xferaddr) + ')</td>' +
    '<td><a href="http://' + esc(d.infoAddr) + '/">' + esc(d.infoAddr) + '</a></td>' +
    '<td>' + esc(d.location) + '</td><td>' + esc(d.lastContact) + 's</td>' +
    '<td>' + esc(fmtBytes(d.capacity)) + '</td><td>' + esc(fmtBytes(d.used)) + '</td>' +
    '<td>' + esc(fmtBytes(d.remaining)) + '</td><td>' + esc(d.numBlocks) + '</td>' +
    '<td>' + esc(fmtBytes(d.blockPoolUsed)) + '</td><td>' + esc(d.adminState) + '</td><td>' + esc(d.version) + '</td></tr>').join('');
  $('dead-datanodes-table').tBodies[0].innerHTML = Object.entries(dead).sort().map(([name, d]) =>
    '<tr class="datanode dead"><td class="dfshealth-node-' + deadState(d.adminState) + '">' + esc(name) + ' (' + esc(d.xferaddr) + ')</td><td>' + esc(d.lastContact) +
    's</td><td>' + esc(d.adminState) + '</td></tr>').join('');
  // NameNodeInfo.EnteringMaintenanceNodes and DecomNodes: the DataNodes still waiting for their blocks' replicas.
  leavingTable('maintenance-datanodes-table', 'maintenance-none', JSON.parse(info.EnteringMaintenanceNodes || '{}'),
    'entering-maintenance', 'maintenanceOnlyReplicas');
  leavingTable('decom-datanodes-table', 'decom-none', JSON.parse(info.DecomNodes || '{}'), 'decommissioning',
    'decommissionOnlyReplicas');
}

async function showSnapshots() {
  const info = await jmx('Hadoop:service=NameNode,name=SnapshotInfo');
  const dirs = info.SnapshottableDirectories || [];
  const snaps = info.Snapshots || [];
  $('snapshottable-count').textContent = String(dirs.length);
  $('snapshots-count').textContent = String(snaps.length);
  // The bean's permission is the mode's octal digits as a number (755), as dfshealth.js reads it.
  $('snapshottable-table').tBodies[0].innerHTML = dirs.map((d) =>
    '<tr class="snapshottable"><td>' + esc(d.path) + '</td><td>' + esc(d.snapshotNumber) + '</td><td>' +
    esc(d.snapshotQuota) + '</td><td>' + esc(fmtDate(d.modificationTime)) + '</td><td>' +
    modeString('FILE', String(d.permission)).slice(1) + '</td><td>' + esc(d.owner) + '</td><td>' + esc(d.group) +
    '</td></tr>').join('');
  $('snapshots-table').tBodies[0].innerHTML = snaps.map((s) =>
    '<tr class="snapshot"><td>' + esc(s.snapshotID) + '</td><td>' + esc(s.snapshotDirectory) + '</td><td>' +
    esc(fmtDate(s.modificationTime)) + '</td></tr>').join('');
}

async function showStartupProgress() {
  const r = await fetch('/startupProgress');
  const view = await r.json();
  const pct = (p) => Math.round(Number(p) * 100) + '%';
  const secs = (ms) => (Number(ms) / 1000).toFixed(3) + ' sec';
  $('startup-summary').textContent = 'Elapsed Time: ' + secs(view.elapsedTime) + ', Percent Complete: ' + pct(view.percentComplete);
  $('startup-table').tBodies[0].innerHTML = view.phases.map((p) => {
    const file = p.file ? ' ' + esc(p.file) : '';
    const size = p.size !== undefined ? ' (' + esc(fmtBytes(p.size)) + ')' : '';
    const head = '<tr class="phase" data-phase="' + esc(p.name) + '" data-status="' + esc(p.status) + '"><td>' +
      esc(p.desc) + file + size + '</td><td>' + esc(p.status) + ' ' + pct(p.percentComplete) + '</td><td>' + secs(p.elapsedTime) + '</td></tr>';
    return head + p.steps.map((s) => {
      const what = s.desc ? esc(s.desc) : esc(s.file) + (s.size !== undefined ? ' (' + esc(fmtBytes(s.size)) + ')' : '');
      return '<tr class="step" data-phase="' + esc(p.name) + '"><td>&nbsp;&nbsp;&nbsp;&nbsp;' + what +
        ' (<span class="step-count">' + esc(s.count) + '</span>/<span class="step-total">' + esc(s.total) + '</span>)</td><td>' +
        pct(s.percentComplete) + '</td><td>' + secs(s.elapsedTime) + '</td></tr>';
    }).join('');
  }).join('');
}

const user = () => encodeURIComponent($('explorer-user').value || 'dr.who');
const webhdfs = (path, op, extra) =>
  '/webhdfs/v1' + path.split('/').map(encodeURIComponent).join('/') + '?op=' + op + '&user.name=' + user() + (extra || '');
async function webhdfsJson(path, op, extra, method) {
  const r = await fetch(webhdfs(path, op, extra), { method: method || 'GET' });
  const body = await r.json();
  if (!r.ok) throw new Error(body.RemoteException ? body.RemoteException.exception + ': ' + body.RemoteException.message : 'HTTP ' + r.status);
  return body;
}
let currentDir = '/';
const join = (dir, name) => (dir.endsWith('/') ? dir : dir + '/') + name;

async function browse(dir) {
  $('explorer-error').textContent = '';
  $('file-info').style.display = 'none';
  try {
    const body = await webhdfsJson(dir, 'LISTSTATUS');
    currentDir = dir;
    $('explorer-path').value = dir;
    if (location.hash !== '#tab-explorer' + dir) history.replaceState(null, '', '#tab-explorer' + dir);
    $('explorer-table').tBodies[0].innerHTML = body.FileStatuses.FileStatus.map((s) =>
      '<tr><td>' + modeString(s.type, s.permission) + '</td><td>' + esc(s.owner) + '</td><td>' + esc(s.group) +
      '</td><td>' + esc(fmtBytes(s.length)) + '</td><td>' + esc(fmtDate(s.modificationTime)) + '</td><td>' +
      esc(s.replication) + '</td><td>' + esc(fmtBytes(s.blockSize)) + '</td><td><a href="#" class="entry" data-type="' +
      esc(s.type) + '" data-name="' + esc(s.pathSuffix) + '">' + esc(s.pathSuffix) + '</a></td></tr>').join('');
  } catch (err) {
    $('explorer-error').textContent = String(err.message);
  }
}

async function showFile(path) {
  $('explorer-error').textContent = '';
  try {
    const body = await webhdfsJson(path, 'GET_BLOCK_LOCATIONS');
    const blocks = body.LocatedBlocks.locatedBlocks;
    $('file-name').textContent = path;
    $('file-download').href = webhdfs(path, 'OPEN');
    $('block-select').innerHTML = blocks.map((b, i) => '<option value="' + i + '">Block ' + i + '</option>').join('');
    const showBlock = (i) => {
      const b = blocks[i];
      if (!b) { $('block-info').innerHTML = rows([['Blocks', 'none (an empty file)']]); return; }
      $('block-info').innerHTML = rows([
        ['Block ID', '<span id="block-id">' + esc(b.block.blockId) + '</span>'],
        ['Block Pool ID', esc(b.block.blockPoolId)],
        ['Generation Stamp', '<span id="block-genstamp">' + esc(b.block.generationStamp) + '</span>'],
        ['Size', '<span id="block-size">' + esc(b.block.numBytes) + '</span>'],
        ['Availability', '<ul id="block-locations">' + b.locations.map((d) =>
          '<li>' + esc(d.hostName) + ' (' + esc(d.name) + ', ' + esc(d.networkLocation) + ')</li>').join('') + '</ul>'],
      ]);
    };
    const live = JSON.parse((await jmx('Hadoop:service=NameNode,name=NameNodeInfo')).LiveNodes || '{}');
    const showTree = (i) => {
      const b = blocks[i];
      const holders = b ? b.locations.map((d) => d.name) : [];
      $('rack-tree').innerHTML = rackTreeHtml(Object.values(live), holders);
      $('replica-distances').innerHTML = holders.length < 2 ? '' :
        '<tr><th>Replica</th><th>Replica</th><th>Distance</th></tr>' + holders.flatMap((a, x) => holders.slice(x + 1).map((c) => {
          const loc = (name) => b.locations.find((d) => d.name === name).networkLocation;
          return '<tr class="distance"><td>' + esc(a) + '</td><td>' + esc(c) + '</td><td>' +
            networkDistance(loc(a) + '/' + a, loc(c) + '/' + c) + '</td></tr>';
        })).join('');
    };
    $('block-select').onchange = () => { showBlock(Number($('block-select').value)); showTree(Number($('block-select').value)); };
    showTree(0);
    showBlock(0);
    $('file-info').style.display = 'block';
  } catch (err) {
    $('explorer-error').textContent = String(err.message);
  }
}

// NetworkTopology.getDistance: from each node up to the closest common ancestor, counted in
// levels of the path /dc/rack/node.
function networkDistance(a, b) {
  const pa = a.split('/').filter(Boolean), pb = b.split('/').filter(Boolean);
  let common = 0;
  while (common < pa.length && common < pb.length && pa[common] === pb[common]) common++;
  return (pa.length - common) + (pb.length - common);
}
function rackTreeHtml(datanodes, holders) {
  const racks = {};
  for (const d of datanodes) (racks[d.location] = racks[d.location] || []).push(d.xferaddr);
  return Object.keys(racks).sort().map((rack) =>
    '<li class="rack" data-rack="' + esc(rack) + '">' + esc(rack) + '<ul>' + racks[rack].sort().map((addr) => {
      const i = holders.indexOf(addr);
      return '<li class="datanode' + (i >= 0 ? ' replica' : '') + '" data-addr="' + esc(addr) + '">' +
        (i >= 0 ? '<b>' + esc(addr) + ' (replica #' + (i + 1) + ')</b>' : esc(addr)) + '</li>';
    }).join('') + '</ul></li>').join('');
}

async function upload() {
  const file = $('upload-file').files[0];
  if (!file) return;
  const target = join(currentDir, file.name);
  $('upload-status').textContent = 'uploading ' + target + '…';
  try {
    const step1 = await webhdfsJson(target, 'CREATE', '&noredirect=true&overwrite=false', 'PUT');
    const r = await fetch(step1.Location, { method: 'PUT', body: file, headers: { 'content-type': 'application/octet-stream' } });
    if (r.status !== 201) {
      const body = await r.json().catch(() => ({}));
      throw new Error(body.RemoteException ? body.RemoteException.message : 'HTTP ' + r.status);
    }
    $('upload-status').textContent = 'uploaded ' + target;
    await browse(currentDir);
  } catch (err) {
    $('upload-status').textContent = 'upload failed: ' + err.message;
  }
}

$('explorer-table').addEventListener('click', (e) => {
  const a = e.target.closest('a.entry');
  if (!a) return;
  e.preventDefault();
  const path = join(currentDir, a.dataset.name);
  if (a.dataset.type === 'DIRECTORY') browse(path);
  else showFile(path);
});
$('explorer-form').addEventListener('submit', (e) => { e.preventDefault(); browse($('explorer-path').value || '/'); });
$('upload-button').addEventListener('click', (e) => { e.preventDefault(); upload(); });

const TABS = {
  'tab-overview': showOverview,
  'tab-datanode': showDatanodes,
  'tab-snapshot': showSnapshots,
  'tab-startup-progress': showStartupProgress,
};
function route() {
  const hash = location.hash.slice(1) || (location.pathname.endsWith('explorer.html') ? 'tab-explorer' : 'tab-overview');
  const tab = hash.startsWith('tab-explorer') ? 'tab-explorer' : TABS[hash] ? hash : 'tab-overview';
  for (const s of document.querySelectorAll('section.tab')) s.classList.toggle('shown', s.id === tab);
  for (const a of document.querySelectorAll('nav a[id]')) a.classList.toggle('active', a.id === 'nav-' + tab.slice(4));
  if (tab === 'tab-explorer') browse(decodeURIComponent(hash.slice('tab-explorer'.length)) || currentDir);
  else TABS[tab]().catch((err) => { document.getElementById(tab).insertAdjacentHTML('beforeend', '<p class="err">' + esc(err.message) + '</p>'); });
}
window.addEventListener('hashchange', route);
route();
`;

/** What the Secondary NameNode's page shows (Hadoop's secondary/status.html). */
export interface SecondaryPageInfo {
  namenodeAddress: string;
  startedMs: number;
  /** null before this process's first checkpoint. */
  lastCheckpointMs: number | null;
  checkpointPeriodMs: number;
  checkpointTxns: number;
  checkpointDirs: readonly string[];
  softwareVersion: string;
  /** VersionInfoMXBean.getCompileInfo (the "Compiled" row). */
  compileInfo: string;
  nowMs: number;
}

/** The Secondary NameNode's status page on its HTTP port (9868): server-rendered, no script. */
export function secondaryStatusPage(info: SecondaryPageInfo): string {
  const esc = (t: string | number): string => String(t).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const row = (k: string, v: string | number, id: string): string =>
    `<tr><th>${esc(k)}</th><td id="${id}">${esc(v)}</td></tr>`;
  const last =
    info.lastCheckpointMs === null
      ? 'Never'
      : `${new Date(info.lastCheckpointMs).toString()} (${Math.round((info.nowMs - info.lastCheckpointMs) / 1000)} seconds ago)`;
  const next = (info.lastCheckpointMs ?? info.startedMs) + info.checkpointPeriodMs;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>SecondaryNamenode information</title>
<style>${STYLE}</style></head><body>
<nav><span class="brand">Hadoop</span><a class="active" href="/">Overview</a></nav>
<main>
<h1>Overview</h1>
<table id="secondary-info">
${row('Version', info.softwareVersion, 'version')}
${row('Compiled', info.compileInfo, 'compiled')}
${row('NameNode Address', info.namenodeAddress, 'namenode-address')}
${row('Started', new Date(info.startedMs).toString(), 'started')}
${row('Last Checkpoint', last, 'last-checkpoint')}
${row('Next Checkpoint', `${new Date(next).toString()} at the latest (period), or once ${info.checkpointTxns} transactions are uncheckpointed`, 'next-checkpoint')}
${row('Checkpoint Period', `${Math.round(info.checkpointPeriodMs / 1000)} seconds`, 'checkpoint-period')}
${row('Checkpoint Transactions', info.checkpointTxns, 'checkpoint-txns')}
</table>
<h2>Checkpoint Image URI</h2>
<ul>${info.checkpointDirs.map((d) => `<li>file://${esc(d)}</li>`).join('')}</ul>
<h2>Checkpoint Editlog URI</h2>
<ul>${info.checkpointDirs.map((d) => `<li>file://${esc(d)}</li>`).join('')}</ul>
<p>Beans: <a href="/jmx">/jmx</a> · configuration: <a href="/conf">/conf</a> · process: <a href="/stacks">/stacks</a></p>
</main></body></html>
`;
}
