/**
 * The shape of one entry of the RPC method registry: everything about one method of one HDFS
 * protocol in one place — its protocol and method name on the wire, the request and response
 * messages, the converters between those messages and the lab's typed API (RpcMethods in
 * messages.ts, which the cores keep using), the journal fields and the one-line describer.
 * Adding a method is one `protoMethod({...})` in its protocol's table.
 */
import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import type { RpcMethod, RpcRequest, RpcResult } from '../messages.js';
import { ProtoDecodeError, decodeProto, encodeProto } from '../proto-codec.js';

/** The Java interface names that go in the connection context and in every RequestHeaderProto. */
export const CLIENT_PROTOCOL = 'org.apache.hadoop.hdfs.protocol.ClientProtocol';
export const DATANODE_PROTOCOL = 'org.apache.hadoop.hdfs.server.protocol.DatanodeProtocol';
export const NAMENODE_PROTOCOL = 'org.apache.hadoop.hdfs.server.protocol.NamenodeProtocol';
export const CLIENT_DATANODE_PROTOCOL = 'org.apache.hadoop.hdfs.protocol.ClientDatanodeProtocol';
export const INTER_DATANODE_PROTOCOL = 'org.apache.hadoop.hdfs.server.protocol.InterDatanodeProtocol';

export type ProtocolName =
  | typeof CLIENT_PROTOCOL
  | typeof DATANODE_PROTOCOL
  | typeof NAMENODE_PROTOCOL
  | typeof CLIENT_DATANODE_PROTOCOL
  | typeof INTER_DATANODE_PROTOCOL;

/** The protocols a NameNode's RPC port serves. */
export const NAMENODE_RPC_PROTOCOLS: readonly ProtocolName[] = [
  CLIENT_PROTOCOL,
  DATANODE_PROTOCOL,
  NAMENODE_PROTOCOL,
];

/** The protocols a DataNode's IPC port (dfs.datanode.ipc.address) serves (DataNode.initIpcServer). */
export const DATANODE_IPC_PROTOCOLS: readonly ProtocolName[] = [
  CLIENT_DATANODE_PROTOCOL,
  INTER_DATANODE_PROTOCOL,
];

export interface RpcMethodEntry<M extends RpcMethod = RpcMethod> {
  protocol: ProtocolName;
  /** The method name on the wire (RequestHeaderProto.methodName) and in the lab's RpcMethods. */
  method: M;
  /** Request message type name, for `lab traffic` and errors (`hadoop.hdfs.GetFileInfoRequestProto`). */
  requestType: string;
  responseType: string;
  encodeRequest(params: RpcRequest<M>): Uint8Array;
  /** Throws ProtoDecodeError for bytes a Hadoop server would refuse to read (FATAL), RemoteError for values out of range. */
  decodeRequest(bytes: Uint8Array): RpcRequest<M>;
  encodeResponse(result: RpcResult<M>): Uint8Array;
  /** `body` is null when the frame held the header only (Go and Java both read that as an empty message). */
  decodeResponse(body: Uint8Array | null, params: RpcRequest<M>): RpcResult<M>;
  /** The request fields `lab traffic` shows after the method name (`getFileInfo src=/a.bin`). */
  journalFields: readonly string[];
  /** The lab name of the caller when the request says who it is (a DataNode's registration). */
  callerName?(params: RpcRequest<M>): string | undefined;
}

/** A registry table: one protocol's entries by method name. */
export type ProtocolTable = { readonly [M in RpcMethod]?: RpcMethodEntry<M> };

/** The definition of one protobuf-carried method; `protoMethod` turns it into an entry. */
export interface ProtoMethodDef<M extends RpcMethod, Req extends DescMessage, Res extends DescMessage> {
  protocol: ProtocolName;
  method: M;
  request: Req;
  response: Res;
  toRequest(params: RpcRequest<M>): MessageInitShape<Req>;
  fromRequest(msg: MessageShape<Req>): RpcRequest<M>;
  toResponse(result: RpcResult<M>): MessageInitShape<Res>;
  fromResponse(msg: MessageShape<Res>, params: RpcRequest<M>): RpcResult<M>;
  journalFields?: readonly string[];
  callerName?(params: RpcRequest<M>): string | undefined;
}

export function protoMethod<M extends RpcMethod, Req extends DescMessage, Res extends DescMessage>(
  def: ProtoMethodDef<M, Req, Res>,
): RpcMethodEntry<M> {
  return {
    protocol: def.protocol,
    method: def.method,
    requestType: def.request.typeName,
    responseType: def.response.typeName,
    encodeRequest: (params) => encodeProto(def.request, def.toRequest(params)),
    decodeRequest: (bytes) => def.fromRequest(decodeProto(def.request, bytes)),
    encodeResponse: (result) => encodeProto(def.response, def.toResponse(result)),
    decodeResponse: (body, params) =>
      def.fromResponse(decodeProto(def.response, body ?? new Uint8Array()), params),
    journalFields: def.journalFields ?? [],
    ...(def.callerName ? { callerName: def.callerName } : {}),
  };
}

/** The methods whose result is null: HDFS's void calls, answered by an empty response message. */
export type VoidRpcMethod = { [K in RpcMethod]: RpcResult<K> extends null ? K : never }[RpcMethod];

/** A definition whose response follows from the method's kind (void, boolean): only its request is described. */
export type RequestOnlyProtoMethodDef<
  M extends RpcMethod,
  Req extends DescMessage,
  Res extends DescMessage,
> = Omit<ProtoMethodDef<M, Req, Res>, 'toResponse' | 'fromResponse'>;

/** A void call's definition: only its request is described. */
export type VoidProtoMethodDef<
  M extends VoidRpcMethod,
  Req extends DescMessage,
  Res extends DescMessage,
> = RequestOnlyProtoMethodDef<M, Req, Res>;

/** A void call's entry: its response message is empty both ways. */
export function voidProtoMethod<M extends VoidRpcMethod, Req extends DescMessage, Res extends DescMessage>(
  def: VoidProtoMethodDef<M, Req, Res>,
): RpcMethodEntry<M> {
  return protoMethod<M, Req, Res>({
    ...def,
    // Every field of a protobuf-es init shape is optional: {} is the empty message of any type.
    toResponse: () => ({}) as MessageInitShape<Res>,
    fromResponse: () => null as RpcResult<M>,
  });
}

/** The methods whose result is a boolean: HDFS's calls that answer `{ result: bool }`. */
export type BoolRpcMethod = { [K in RpcMethod]: RpcResult<K> extends boolean ? K : never }[RpcMethod];

/**
 * A boolean call's entry (mkdirs, complete, delete, rename, setReplication, truncate,
 * recoverLease): its response message is `{ required bool result = 1; }` under the method's name.
 */
export function boolProtoMethod<
  M extends BoolRpcMethod,
  Req extends DescMessage,
  Res extends DescMessage & { field: { result: unknown } },
>(def: RequestOnlyProtoMethodDef<M, Req, Res>): RpcMethodEntry<M> {
  return protoMethod<M, Req, Res>({
    ...def,
    toResponse: (result) => ({ result }) as unknown as MessageInitShape<Res>,
    fromResponse: (m) => (m as unknown as { result: boolean }).result as RpcResult<M>,
  });
}

/**
 * A method whose protobuf messages are not written yet: its request and response travel as one
 * bytes payload of UTF-8 JSON inside the real IPC framing. Only for the DatanodeProtocol and
 * NamenodeProtocol tables until their .proto files land, and for the lab-only status protocol.
 */
export function jsonMethod<M extends RpcMethod>(def: {
  protocol: ProtocolName;
  method: M;
  journalFields?: readonly string[];
  callerName?(params: RpcRequest<M>): string | undefined;
}): RpcMethodEntry<M> {
  const parse = (bytes: Uint8Array | null, what: string): unknown => {
    if (!bytes || bytes.length === 0) return null;
    try {
      return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
    } catch (err) {
      throw new ProtoDecodeError(
        `${def.method} ${what} is not the lab's JSON payload (${(err as Error).message})`,
      );
    }
  };
  const bytesOf = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value ?? null), 'utf8');
  return {
    protocol: def.protocol,
    method: def.method,
    requestType: `hdfslab.json.${def.method}`,
    responseType: `hdfslab.json.${def.method}`,
    encodeRequest: (params) => bytesOf(params),
    decodeRequest: (bytes) => (parse(bytes, 'request') ?? {}) as RpcRequest<M>,
    encodeResponse: (result) => bytesOf(result),
    decodeResponse: (body) => parse(body, 'response') as RpcResult<M>,
    journalFields: def.journalFields ?? [],
    ...(def.callerName ? { callerName: def.callerName } : {}),
  };
}
