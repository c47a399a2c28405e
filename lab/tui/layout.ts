/**
 * Where each pane goes for a terminal of a given size: a pure function, recomputed on resize.
 * Two columns from 80×24 up: topology over namespace on the left; status, traffic, DataNodes
 * and charts on the right, traffic taking whatever rows are left. A footer line of keys.
 *
 *   ┌topology──────────┐┌NameNode status──────────────┐
 *   │                  │└─────────────────────────────┘
 *   │                  │┌traffic──────────────────────┐
 *   └──────────────────┘│                             │
 *   ┌namespace─────────┐└─────────────────────────────┘
 *   │                  │┌DataNodes────────────────────┐
 *   │                  │└─────────────────────────────┘
 *   │                  │┌bytes/s────────────────────┐
 *   └──────────────────┘└─────────────────────────────┘
 *   ? help  Tab focus  k kill …
 */

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export type PaneName = 'topology' | 'namespace' | 'status' | 'traffic' | 'datanodes' | 'charts';

export interface DashboardLayout {
  panes: Record<PaneName, Rect>;
  footer: Rect;
}

/** The smallest terminal the grid is designed for; smaller ones get the same grid, cramped. */
export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;
/** Border rows of a pane (top and bottom line). */
const BORDER = 2;
/** The status pane shows three lines. */
const STATUS_ROWS = 3 + BORDER;

export function computeLayout(columns: number, rows: number, datanodes: number): DashboardLayout {
  const width = Math.max(columns, 20);
  const height = Math.max(rows, 12);
  const body = height - 1; // footer
  const leftWidth = Math.max(30, Math.min(Math.floor(width * 0.42), 64));
  const rightWidth = width - leftWidth;
  const topologyWanted = datanodes + 6 + BORDER; // nn, snn, up to a few racks
  const topologyHeight = Math.max(6, Math.min(topologyWanted, Math.floor(body * 0.5)));
  // The right column: status fixed; DataNodes and charts as tall as their rows up to a share of the height.
  const share = Math.max(5, Math.floor((body - STATUS_ROWS) / 3));
  const datanodesHeight = Math.min(datanodes + 1 + BORDER, share);
  const chartsHeight = Math.min(datanodes + BORDER, share);
  const trafficHeight = Math.max(3, body - STATUS_ROWS - datanodesHeight - chartsHeight);
  let top = 0;
  const stack = (h: number): Rect => {
    const rect = { left: leftWidth, top, width: rightWidth, height: h };
    top += h;
    return rect;
  };
  const status = stack(STATUS_ROWS);
  const traffic = stack(trafficHeight);
  const datanodesRect = stack(datanodesHeight);
  const charts = stack(Math.max(3, body - top));
  return {
    panes: {
      topology: { left: 0, top: 0, width: leftWidth, height: topologyHeight },
      namespace: { left: 0, top: topologyHeight, width: leftWidth, height: body - topologyHeight },
      status,
      traffic,
      datanodes: datanodesRect,
      charts,
    },
    footer: { left: 0, top: body, width, height: 1 },
  };
}

/** Rows and columns inside a pane's border. */
export function inner(rect: Rect): { width: number; rows: number } {
  return { width: Math.max(0, rect.width - 2), rows: Math.max(0, rect.height - BORDER) };
}
