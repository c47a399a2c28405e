/**
 * Example topologies the lab shows and tests reason about, so that text and tests use one copy.
 */
import type { TopologyLeaf } from './topology.js';

/**
 * A worked 3-level example: dc1 holds rackA (h1, h2) and rackB (h3); dc2
 * holds rackC (h4, h5). From h1 the distances are 0, 2, 4, 6, 6.
 */
export const WORKED_EXAMPLE_LEAVES: readonly TopologyLeaf[] = [
  { name: 'h1', location: '/dc1/rackA', address: '10.0.0.1:9866' },
  { name: 'h2', location: '/dc1/rackA', address: '10.0.0.2:9866' },
  { name: 'h3', location: '/dc1/rackB', address: '10.0.0.3:9866' },
  { name: 'h4', location: '/dc2/rackC', address: '10.0.0.4:9866' },
  { name: 'h5', location: '/dc2/rackC', address: '10.0.0.5:9866' },
];
