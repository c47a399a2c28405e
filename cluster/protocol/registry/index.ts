/**
 * The one RPC method registry: the protocols a NameNode serves, each a table of its methods
 * (one file per protocol). The server looks a call up by the protocol and method names of its
 * RequestHeaderProto; the client by its connection's protocol and the lab's method name; the
 * describer and the journal by the method name.
 */
import type { RpcMethod } from '../messages.js';
import { CLIENT_DATANODE_PROTOCOL_TABLE } from './client-datanode-protocol.js';
import { CLIENT_PROTOCOL_TABLE } from './client-protocol.js';
import { DATANODE_PROTOCOL_TABLE } from './datanode-protocol.js';
import { INTER_DATANODE_PROTOCOL_TABLE } from './inter-datanode-protocol.js';
import { NAMENODE_PROTOCOL_TABLE } from './namenode-protocol.js';
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

export const PROTOCOL_TABLES: Readonly<Record<ProtocolName, ProtocolTable>> = {
  [CLIENT_PROTOCOL]: CLIENT_PROTOCOL_TABLE,
  [DATANODE_PROTOCOL]: DATANODE_PROTOCOL_TABLE,
  [NAMENODE_PROTOCOL]: NAMENODE_PROTOCOL_TABLE,
  [CLIENT_DATANODE_PROTOCOL]: CLIENT_DATANODE_PROTOCOL_TABLE,
  [INTER_DATANODE_PROTOCOL]: INTER_DATANODE_PROTOCOL_TABLE,
};

export function isProtocolName(name: string): name is ProtocolName {
  return Object.hasOwn(PROTOCOL_TABLES, name);
}

/**
 * The entry a server runs for `methodName` of `protocol` as they arrive on the wire, if the
 * server serves that protocol (`served`: a NameNode's three, or a DataNode's ClientDatanodeProtocol
 * and InterDatanodeProtocol).
 */
export function entryFor(
  protocol: string,
  methodName: string,
  served: readonly ProtocolName[] = Object.keys(PROTOCOL_TABLES) as ProtocolName[],
): RpcMethodEntry | undefined {
  if (!isProtocolName(protocol) || !served.includes(protocol)) return undefined;
  const table = PROTOCOL_TABLES[protocol] as Record<string, RpcMethodEntry | undefined>;
  return Object.hasOwn(table, methodName) ? table[methodName] : undefined;
}

/**
 * The entry a client uses for `method` on a connection opened for `protocol`: that protocol's
 * own method if it has one (versionRequest is both a DataNode's and the Secondary's), else the
 * one protocol that has it (a lab status call on a ClientProtocol connection).
 */
export function entryForCall<M extends RpcMethod>(protocol: ProtocolName, method: M): RpcMethodEntry<M> {
  const own = PROTOCOL_TABLES[protocol][method];
  if (own) return own as RpcMethodEntry<M>;
  for (const table of Object.values(PROTOCOL_TABLES)) {
    const entry = table[method];
    if (entry) return entry as RpcMethodEntry<M>;
  }
  throw new Error(`no protocol of the registry has the method ${method}`);
}

/** The request fields `lab traffic` shows for a method (the first protocol that has it). */
export function journalFieldsOf(method: string): readonly string[] {
  for (const table of Object.values(PROTOCOL_TABLES)) {
    const entry = (table as Record<string, RpcMethodEntry | undefined>)[method];
    if (entry) return entry.journalFields;
  }
  return [];
}
