/**
 * NetworkTopology: the tree HDFS uses to reason about racks.
 *
 * Leaves are DataNodes; inner nodes are switches (racks, data centres). A DataNode's network
 * location is a path such as `/dc1/rackA`, and its node path is `<location>/<name>`. The distance
 * between two nodes is the number of edges from each up to their lowest common ancestor, so
 * same DataNode 0, same rack 2, other rack in the same data centre 4, other data centre 6.
 *
 * Pure: no I/O. Everything that lists names sorts them, so output never depends on insertion order.
 */

/** Hadoop answers Integer.MAX_VALUE for a node it does not know; callers compare, never add. */
export const DISTANCE_INFINITE = 2_147_483_647;

/** Where a DataNode lands when no mapping names its rack (a 2-level tree). */
export const DEFAULT_RACK = '/default-rack';

/** A DataNode as the topology sees it. */
export interface TopologyLeaf {
  /** The lab's short DataNode name: dn1, dn2, … */
  name: string;
  /** Network location (the rack path): `/default-rack`, `/rack1`, `/dc1/rackA`. */
  location: string;
  /** Transfer address `ip:port`, as printed by `hdfs dfsadmin -printTopology`. */
  address: string;
}

/** A reader that may not be a DataNode: resolved through the mapping to `<location>/<host>`. */
export interface TopologyReader {
  location: string;
  host: string;
}

/** Either a DataNode name or an off-cluster reader. */
export type TopologyEndpoint = string | TopologyReader;

/** The route `lab distance` prints: each entry of `up` and `down` is one edge of the distance. */
export interface DistanceExplanation {
  distance: number;
  /** Node paths climbed from `a`, starting with `a` itself, stopping below the common ancestor. */
  up: string[];
  /** Node paths descended from below the common ancestor down to `b` itself. */
  down: string[];
  /** Path of the lowest common ancestor ('/' for the root; '' when either end is unknown). */
  lca: string;
}

/** One node of the printable tree: the root, a data centre, a rack, or a DataNode (with `leaf`). */
export interface TopologyTreeNode {
  name: string;
  path: string;
  children: TopologyTreeNode[];
  leaf?: TopologyLeaf;
}

/** Hadoop's InvalidTopologyException: leaves at different depths, or a malformed location. */
export class InvalidTopologyError extends Error {
  override readonly name = 'InvalidTopologyError';
}

const collator = new Intl.Collator('en', { numeric: true });

/** Natural order (dn2 before dn10); the one tie-breaker every listing and choice uses. */
export function compareNames(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Split a network location into its components, rejecting what Hadoop's NodeBase rejects:
 * a path must start with '/' and name at least one switch, and no component may be empty.
 */
export function parseNetworkLocation(location: string): string[] {
  if (!location.startsWith('/')) {
    throw new InvalidTopologyError(
      `Invalid network location "${location}": it must start with "/" (e.g. /default-rack or /dc1/rack1)`,
    );
  }
  const components = location.slice(1).split('/');
  if (components.some((component) => component.length === 0)) {
    throw new InvalidTopologyError(
      `Invalid network location "${location}": empty path component (no "//", no trailing "/", not "/" alone)`,
    );
  }
  return components;
}

function nodePath(components: readonly string[]): string {
  return '/' + components.join('/');
}

interface StoredLeaf extends TopologyLeaf {
  /** Location components followed by the name: the leaf's path from the root. */
  path: string[];
}

export class NetworkTopology {
  private readonly leavesByName = new Map<string, StoredLeaf>();
  /** DataNodes being decommissioned or decommissioned (decommissionNode): their racks may be empty. */
  private readonly outOfService = new Set<string>();

  constructor(leaves: readonly TopologyLeaf[] = []) {
    for (const leaf of leaves) this.add(leaf);
  }

  /**
   * Add a DataNode, or move it if the name is already known (a DataNode re-registering with a new
   * location). Every leaf must sit at the same depth: a rack and a data centre cannot be siblings.
   */
  add(leaf: TopologyLeaf): void {
    if (leaf.name.length === 0 || leaf.name.includes('/')) {
      throw new InvalidTopologyError(`Invalid DataNode name "${leaf.name}": must be non-empty without "/"`);
    }
    const components = parseNetworkLocation(leaf.location);
    const other = this.firstLeafOtherThan(leaf.name);
    if (other !== undefined && other.path.length !== components.length + 1) {
      throw new InvalidTopologyError(
        `Failed to add ${leaf.location}/${leaf.name}: you cannot have a rack and a non-rack node at the ` +
          `same level of the network topology (${leaf.location} has depth ${components.length}, but ` +
          `${other.location} of ${other.name} has depth ${other.path.length - 1}; all DataNodes must be at the same depth)`,
      );
    }
    this.leavesByName.set(leaf.name, { ...leaf, path: [...components, leaf.name] });
  }

  /** Remove a DataNode (e.g. declared dead); unknown names are ignored, as Hadoop does. */
  remove(name: string): boolean {
    this.outOfService.delete(name);
    return this.leavesByName.delete(name);
  }

  has(name: string): boolean {
    return this.leavesByName.has(name);
  }

  /** The DataNode's rack path, or undefined for a name the topology does not hold. */
  getLocation(name: string): string | undefined {
    return this.leavesByName.get(name)?.location;
  }

  getLeaf(name: string): TopologyLeaf | undefined {
    const stored = this.leavesByName.get(name);
    return stored === undefined
      ? undefined
      : { name: stored.name, location: stored.location, address: stored.address };
  }

  /** All DataNodes, in name order. */
  leaves(): TopologyLeaf[] {
    return [...this.leavesByName.keys()].sort(compareNames).map((name) => this.getLeaf(name) as TopologyLeaf);
  }

  numOfLeaves(): number {
    return this.leavesByName.size;
  }

  /** Distinct rack paths that hold at least one DataNode, sorted. */
  racks(): string[] {
    const racks = new Set<string>();
    for (const leaf of this.leavesByName.values()) racks.add(leaf.location);
    return [...racks].sort(compareNames);
  }

  numOfRacks(): number {
    return this.racks().length;
  }

  /**
   * NetworkTopology.decommissionNode / recommissionNode: a DataNode being (or done being)
   * decommissioned stays in the map but no longer makes its rack count as one replicas can use.
   */
  decommissionNode(name: string): void {
    this.outOfService.add(name);
  }

  recommissionNode(name: string): void {
    this.outOfService.delete(name);
  }

  /** getNumOfNonEmptyRacks: racks with at least one DataNode in service. */
  numOfNonEmptyRacks(): number {
    const racks = new Set<string>();
    for (const leaf of this.leavesByName.values())
      if (!this.outOfService.has(leaf.name)) racks.add(leaf.location);
    return racks.size;
  }

  /** Names of the DataNodes on `rack`, sorted. */
  leavesOnRack(rack: string): string[] {
    return [...this.leavesByName.values()]
      .filter((leaf) => leaf.location === rack)
      .map((leaf) => leaf.name)
      .sort(compareNames);
  }

  /** True when both DataNodes are known and share a rack. */
  isOnSameRack(a: string, b: string): boolean {
    const rackA = this.getLocation(a);
    return rackA !== undefined && rackA === this.getLocation(b);
  }

  /** Edges from each end up to the lowest common ancestor; DISTANCE_INFINITE if either is unknown. */
  getDistance(a: TopologyEndpoint, b: TopologyEndpoint): number {
    return this.explainDistance(a, b).distance;
  }

  /** The distance with the route through the tree, for `lab distance dn1 dn5`. */
  explainDistance(a: TopologyEndpoint, b: TopologyEndpoint): DistanceExplanation {
    const pathA = this.resolvePath(a);
    const pathB = this.resolvePath(b);
    if (pathA === undefined || pathB === undefined) {
      return { distance: DISTANCE_INFINITE, up: [], down: [], lca: '' };
    }
    let common = 0;
    while (common < pathA.length && common < pathB.length && pathA[common] === pathB[common]) common++;
    const up: string[] = [];
    for (let depth = pathA.length; depth > common; depth--) up.push(nodePath(pathA.slice(0, depth)));
    const down: string[] = [];
    for (let depth = common + 1; depth <= pathB.length; depth++) down.push(nodePath(pathB.slice(0, depth)));
    return { distance: up.length + down.length, up, down, lca: nodePath(pathA.slice(0, common)) };
  }

  /** Root → data centres → racks → DataNodes, children in name order, for `lab topology`. */
  toTree(): TopologyTreeNode {
    const root: TopologyTreeNode = { name: '/', path: '/', children: [] };
    for (const leaf of this.leaves()) {
      let parent = root;
      const components = parseNetworkLocation(leaf.location);
      components.forEach((component, index) => {
        let child = parent.children.find((node) => node.name === component && node.leaf === undefined);
        if (child === undefined) {
          child = { name: component, path: nodePath(components.slice(0, index + 1)), children: [] };
          parent.children.push(child);
        }
        parent = child;
      });
      parent.children.push({ name: leaf.name, path: `${leaf.location}/${leaf.name}`, children: [], leaf });
    }
    sortTree(root);
    return root;
  }

  /**
   * A leaf name resolves to its path. A reader whose host is a DataNode's name or address (or the
   * IP of exactly one DataNode) is that DataNode, so a client on dn3's host reads locally; any other
   * reader is weighed by `<location>/<host>`.
   */
  private resolvePath(endpoint: TopologyEndpoint): string[] | undefined {
    if (typeof endpoint === 'string') return this.leavesByName.get(endpoint)?.path;
    const leaf = this.leafForHost(endpoint.host);
    if (leaf !== undefined) return leaf.path;
    try {
      return [...parseNetworkLocation(endpoint.location), endpoint.host];
    } catch {
      return undefined;
    }
  }

  private leafForHost(host: string): StoredLeaf | undefined {
    const byNameOrAddress = [...this.leavesByName.values()].find(
      (leaf) => leaf.name === host || leaf.address === host,
    );
    if (byNameOrAddress !== undefined) return byNameOrAddress;
    // On localhost every DataNode shares one IP; an IP alone identifies a DataNode only if unique.
    const byIp = [...this.leavesByName.values()].filter((leaf) => hostOfAddress(leaf.address) === host);
    return byIp.length === 1 ? byIp[0] : undefined;
  }

  private firstLeafOtherThan(name: string): StoredLeaf | undefined {
    for (const leaf of this.leavesByName.values()) if (leaf.name !== name) return leaf;
    return undefined;
  }
}

function hostOfAddress(address: string): string {
  const colon = address.lastIndexOf(':');
  return colon < 0 ? address : address.slice(0, colon);
}

function sortTree(node: TopologyTreeNode): void {
  node.children.sort((a, b) => compareNames(a.name, b.name));
  for (const child of node.children) sortTree(child);
}

/** Java String.compareTo order (UTF-16 code units), which DFSAdmin's sorted collections use. */
function compareJavaStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The text of `hdfs dfsadmin -printTopology`: per rack `Rack: <rack>`, then one line per DataNode
 * `   <ip:port> (<name>)`, then a blank line. Racks and addresses are in plain string order, as
 * DFSAdmin sorts them (so 10.0.0.10 precedes 10.0.0.9, exactly like the real tool).
 */
export function printTopology(topology: NetworkTopology): string {
  const lines: string[] = [];
  for (const rack of [...topology.racks()].sort(compareJavaStrings)) {
    lines.push(`Rack: ${rack}`);
    const leaves = topology
      .leavesOnRack(rack)
      .map((name) => topology.getLeaf(name) as TopologyLeaf)
      .sort((a, b) => compareJavaStrings(a.address, b.address) || compareJavaStrings(a.name, b.name));
    for (const leaf of leaves) lines.push(`   ${leaf.address} (${leaf.name})`);
    lines.push('');
  }
  return lines.map((line) => line + '\n').join('');
}
