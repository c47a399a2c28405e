/**
 * The blessed side of the dashboard, kept thin: one box per pane placed by computeLayout, filled
 * with the pure pane texts, plus the footer, the help overlay and a one-line prompt. Knows
 * nothing of the cluster; ./dashboard.ts feeds it.
 */
import { computeLayout, inner, type PaneName, type Rect } from './layout.js';
import { createBox, createScreen, type Box, type Screen, type ScreenOptions } from './blessed.js';
import {
  chartLines,
  datanodeLines,
  escapeTags,
  FOOTER_KEYS,
  HELP_LINES,
  namespaceLines,
  statusLines,
  topologyLines,
  trafficLines,
} from './panes.js';
import type { DashboardState } from './state.js';

const PANE_LABELS: Record<PaneName, string> = {
  topology: 'topology',
  namespace: 'namespace & blocks',
  status: 'NameNode',
  traffic: 'traffic',
  datanodes: 'DataNodes',
  charts: 'bytes/s per DataNode, last minute',
};

export interface Prompt {
  label: string;
  text: string;
}

export class DashboardView {
  readonly screen: Screen;
  private readonly boxes: Record<PaneName, Box>;
  private readonly footer: Box;
  private readonly help: Box;
  private readonly prompt: Box;
  /** Frames drawn so far (the benchmark's numerator). */
  frames = 0;

  constructor(options: ScreenOptions) {
    this.screen = createScreen(options);
    const names = Object.keys(PANE_LABELS) as PaneName[];
    this.boxes = Object.fromEntries(
      names.map((n) => [n, createBox(this.screen, { label: PANE_LABELS[n] })]),
    ) as Record<PaneName, Box>;
    this.footer = createBox(this.screen, { border: false, style: { fg: 'black', bg: 'white' } });
    this.help = createBox(this.screen, { label: 'help', style: { border: { fg: 'yellow' } } });
    this.prompt = createBox(this.screen, { style: { border: { fg: 'yellow' } } });
    this.help.hide();
    this.prompt.hide();
  }

  get columns(): number {
    return this.screen.width as number;
  }

  get rows(): number {
    return this.screen.height as number;
  }

  /** Lay out and fill every pane from the state, then draw. */
  render(state: DashboardState, nowMs: number, prompt: Prompt | null): void {
    const layout = computeLayout(this.columns, this.rows, state.rates.size);
    const fill = (name: PaneName, lines: (width: number, rows: number) => string[]): void => {
      const rect = layout.panes[name];
      place(this.boxes[name], rect);
      const { width, rows } = inner(rect);
      this.boxes[name].setContent(lines(width, rows).slice(0, rows).join('\n'));
    };
    fill('topology', (w) => topologyLines(state, w, nowMs));
    fill('namespace', (w, r) => namespaceLines(state, w, r));
    fill('status', (w) => statusLines(state, w, nowMs));
    fill('traffic', (w, r) => trafficLines(state, w, r));
    fill('datanodes', (w) => datanodeLines(state, w, nowMs));
    fill('charts', (w) => chartLines(state, w, nowMs));
    this.boxes.topology.style.border.fg = state.focus === 'nodes' ? 'yellow' : 'blue';
    this.boxes.namespace.style.border.fg = state.focus === 'files' ? 'yellow' : 'blue';
    place(this.footer, layout.footer);
    this.footer.setContent(escapeTags((state.message || FOOTER_KEYS).slice(0, layout.footer.width)));
    this.overlay(this.help, state.helpVisible, HELP_LINES);
    this.overlay(this.prompt, prompt !== null, prompt ? [`${prompt.label} ${prompt.text}_`] : []);
    this.screen.render();
    this.frames += 1;
  }

  private overlay(box: Box, visible: boolean, lines: readonly string[]): void {
    if (!visible) {
      box.hide();
      return;
    }
    const width = Math.min(this.columns - 2, Math.max(...lines.map((l) => l.length)) + 4);
    const height = Math.min(this.rows - 2, lines.length + 2);
    place(box, {
      left: Math.max(0, Math.floor((this.columns - width) / 2)),
      top: Math.max(0, Math.floor((this.rows - height) / 2)),
      width,
      height,
    });
    box.setContent(lines.map((l) => escapeTags(l)).join('\n'));
    box.show();
    box.setFront();
  }

  destroy(): void {
    this.screen.destroy();
  }
}

function place(box: Box, rect: Rect): void {
  box.left = rect.left;
  box.top = rect.top;
  box.width = rect.width;
  box.height = rect.height;
}
