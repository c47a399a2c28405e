/**
 * The one RPC method registry: the protocols the lab's processes speak, each a table of its
 * methods (one file per protocol). The server looks a call up by the protocol and method names of
 * its RequestHeaderProto; the client by its connection's protocol and the lab's method name; the
 * describer and the journal by the method name.
 *
 * A table is loaded the first time a process needs its protocol (`loadProtocolTables`: a server
 * for the protocols it serves, a client for its connection's): a DataNode speaks DatanodeProtocol,
 * ClientDatanodeProtocol and InterDatanodeProtocol, and never loads ClientProtocol's table and
 * messages, the largest, unless its WebHDFS side becomes a client of the NameNode.
 */
import type { RpcMethod } from '../messages.js';
import {
  CLIENT_DATANODE_PROTOCOL,
  CLIENT_PROTOCOL,
  DATANODE_PROTOCOL,
  INTER_DATANODE_PROTOCOL,
  NAMENODE_PROTOCOL,
  type ProtocolName,
  type ProtocolTable,
  type RpcMethodEntry,
} from './types.js';

export * from './types.js';

/** Each protocol's table module; the one place that names them. */
const TABLE_MODULES: Readonly<Record<ProtocolName, () => Promise<ProtocolTable>>> = {
  [CLIENT_PROTOCOL]: async () => (await import('./client-protocol.js')).CLIENT_PROTOCOL_TABLE,
  [DATANODE_PROTOCOL]: async () => (await import('./datanode-protocol.js')).DATANODE_PROTOCOL_TABLE,
  [NAMENODE_PROTOCOL]: async () => (await import('./namenode-protocol.js')).NAMENODE_PROTOCOL_TABLE,
  [CLIENT_DATANODE_PROTOCOL]: async () =>
    (await import('./client-datanode-protocol.js')).CLIENT_DATANODE_PROTOCOL_TABLE,
  [INTER_DATANODE_PROTOCOL]: async () =>
    (await import('./inter-datanode-protocol.js')).INTER_DATANODE_PROTOCOL_TABLE,
};

/** Every protocol of the registry. */
export const PROTOCOL_NAMES = Object.keys(TABLE_MODULES) as readonly ProtocolName[];

/** The tables loaded so far, by protocol. */
const loaded = new Map<ProtocolName, ProtocolTable>();

/** Loads the tables of `protocols` (every protocol by default) that are not loaded yet. */
export async function loadProtocolTables(protocols: readonly ProtocolName[] = PROTOCOL_NAMES): Promise<void> {
  await Promise.all(
    protocols
      .filter((name) => !loaded.has(name))
      .map(async (name) => loaded.set(name, await TABLE_MODULES[name]())),
  );
}

/** Tables loaded statically (registry/all.ts: every one, for the describer and tests). */
export function registerProtocolTables(tables: Readonly<Record<ProtocolName, ProtocolTable>>): void {
  for (const name of PROTOCOL_NAMES) loaded.set(name, tables[name]);
}

/** `protocol`'s table; a programmer's error when it was not loaded first. */
export function protocolTable(protocol: ProtocolName): ProtocolTable {
  const table = loaded.get(protocol);
  if (!table) throw new Error(`the registry's ${protocol} table is used before loadProtocolTables loaded it`);
  return table;
}

export function isProtocolName(name: string): name is ProtocolName {
  return Object.hasOwn(TABLE_MODULES, name);
}

function methodOf(table: ProtocolTable, methodName: string): RpcMethodEntry | undefined {
  return Object.hasOwn(table, methodName)
    ? (table as Record<string, RpcMethodEntry | undefined>)[methodName]
    : undefined;
}

/**
 * The entry a server runs for `methodName` of `protocol` as they arrive on the wire, if the
 * server serves that protocol (`served`: a NameNode's three, or a DataNode's ClientDatanodeProtocol
 * and InterDatanodeProtocol, loaded when the server started).
 */
export function entryFor(
  protocol: string,
  methodName: string,
  served: readonly ProtocolName[] = PROTOCOL_NAMES,
): RpcMethodEntry | undefined {
  if (!isProtocolName(protocol) || !served.includes(protocol)) return undefined;
  return methodOf(protocolTable(protocol), methodName);
}

/**
 * The entry a client uses for `method` on a connection opened for `protocol` (loaded when it
 * connected): that protocol's own method if it has one (versionRequest is both a DataNode's and
 * the Secondary's), else the one loaded protocol that has it.
 */
export function entryForCall<M extends RpcMethod>(protocol: ProtocolName, method: M): RpcMethodEntry<M> {
  const own = protocolTable(protocol)[method];
  if (own) return own;
  for (const table of loaded.values()) {
    const entry = table[method];
    if (entry) return entry;
  }
  throw new Error(`no loaded protocol of the registry has the method ${method}`);
}

/** The request fields `lab traffic` shows for a method (the first loaded protocol that has it). */
export function journalFieldsOf(method: string): readonly string[] {
  for (const name of PROTOCOL_NAMES) {
    const entry = loaded.has(name) ? methodOf(protocolTable(name), method) : undefined;
    if (entry) return entry.journalFields;
  }
  return [];
}
