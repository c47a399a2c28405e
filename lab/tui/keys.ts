/**
 * What each key does, as a pure function of the state: view keys (help, focus, selection, pause)
 * change the state here; keys that act on the cluster return an action for the shell to run.
 */
import { scrollTraffic, selectedFile, selectedNode, togglePause, type DashboardState } from './state.js';

/** Lines PgUp / PgDn move the traffic pane: most of its height at 80×24 and above. */
const TRAFFIC_SCROLL_LINES = 5;

export type DashboardAction =
  | { type: 'kill'; node: string }
  | { type: 'restart'; node: string }
  | { type: 'corrupt'; path: string; blockIndex: number; block: string; datanode: string }
  | { type: 'put-sample' }
  | { type: 'checkpoint' }
  | { type: 'filter-prompt' }
  | { type: 'quit-prompt' };

function move(state: DashboardState, delta: number): void {
  if (state.focus === 'nodes') {
    state.selectedNode = clamp(state.selectedNode + delta, state.nodes.length);
  } else {
    state.selectedFile = clamp(state.selectedFile + delta, state.files.length);
  }
}

function clamp(index: number, length: number): number {
  return Math.max(0, Math.min(length - 1, index));
}

function nodeAction(state: DashboardState, type: 'kill' | 'restart'): DashboardAction | null {
  const n = selectedNode(state);
  if (state.focus !== 'nodes' || !n) {
    state.message = `${type}: select a node in the topology first (Tab, then ↑ ↓)`;
    return null;
  }
  return { type, node: n.id };
}

function corruptAction(state: DashboardState): DashboardAction | null {
  const file = selectedFile(state);
  const blockIndex = file?.blocks.findIndex((b) => b.replicas.length > 0) ?? -1;
  const block = file?.blocks[blockIndex];
  if (!file || file.isDir || !block) {
    state.message = 'corrupt: select a file with a live replica in the namespace first (Tab, then ↑ ↓)';
    return null;
  }
  // The selected DataNode's replica if it holds one, else the first live replica.
  const n = selectedNode(state);
  const datanode = n && block.replicas.includes(n.id) ? n.id : block.replicas[0]!;
  return { type: 'corrupt', path: file.path, blockIndex, block: block.name, datanode };
}

/** Apply a key; returns the cluster action it asks for, if any. Key names are blessed's. */
export function handleKey(state: DashboardState, key: string): DashboardAction | null {
  if (state.helpVisible) {
    state.helpVisible = false; // any key closes the help
    return null;
  }
  switch (key) {
    case '?':
      state.helpVisible = true;
      return null;
    case 'tab':
      state.focus = state.focus === 'nodes' ? 'files' : 'nodes';
      return null;
    case 'up':
      move(state, -1);
      return null;
    case 'down':
      move(state, 1);
      return null;
    case 'pageup':
      scrollTraffic(state, TRAFFIC_SCROLL_LINES);
      state.message = 'traffic scrolled back (PgDn forward, p resumes)';
      return null;
    case 'pagedown':
      scrollTraffic(state, -TRAFFIC_SCROLL_LINES);
      state.message = state.frozen ? '' : 'traffic resumed';
      return null;
    case 'p':
      togglePause(state);
      state.message = state.frozen ? 'traffic paused' : 'traffic resumed';
      return null;
    case 'f':
      return { type: 'filter-prompt' };
    case 'k':
      return nodeAction(state, 'kill');
    case 'r':
      return nodeAction(state, 'restart');
    case 'c':
      return corruptAction(state);
    case 'u':
      return { type: 'put-sample' };
    case 'S-c':
    case 'C':
      return { type: 'checkpoint' };
    case 'q':
      return { type: 'quit-prompt' };
    default:
      return null;
  }
}
