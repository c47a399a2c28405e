/**
 * The RPC server, Hadoop IPC version 9 (Hadoop's Server and docs/wire.md): per connection it checks the preamble,
 * reads the connection context (the caller's user and protocol; no reply), then runs each call
 * through the method registry and answers with the caller's callId. An application error is an
 * ERROR reply with the Java exception class and the connection stays open; what Hadoop's Server
 * answers FATAL (bad preamble or header, a call before the context, an unreadable request) gets a
 * FATAL reply and the connection is closed. Several calls may be in flight per connection (Java
 * clients multiplex); past the limits the server stops reading (back-pressure). Every frame in
 * both directions goes to the journal with its bytes and its one-line decoded form.
 *
 * Bounds (values and reasons in limits.ts): calls in flight per connection and
 * per server, unsent reply bytes per connection (then the server stops reading that peer),
 * connections per server, unfinished request bytes over the whole server (past the budget the
 * connection holding the most is closed and its buffers dropped), and Hadoop's idle rule: a
 * connection with no call in progress that sent nothing for 2 × ipc.client.connection.maxidletime
 * is closed by a sweep every ipc.client.connection.idle-scan-interval.ms.
 */
import net from 'node:net';
import { ERROR_CLASSES, RemoteError, isErrorClass } from '../protocol/errors.js';
import {
  RPC_BUFFERED_BYTES_SERVER_MAX,
  RPC_CALLS_IN_FLIGHT_PER_CONNECTION_MAX,
  RPC_CALLS_IN_FLIGHT_SERVER_MAX,
  RPC_CONNECTION_IDLE_MS,
  RPC_CONNECTIONS_MAX,
  RPC_IDLE_SCAN_INTERVAL_MS,
  RPC_REPLY_BYTES_QUEUED_PER_CONNECTION_MAX,
} from '../protocol/limits.js';
import type { RpcMethod } from '../protocol/messages.js';
import { ProtoDecodeError } from '../protocol/proto-codec.js';
import {
  CLIENT_PROTOCOL,
  NAMENODE_RPC_PROTOCOLS,
  entryFor,
  isProtocolName,
  loadProtocolTables,
  type ProtocolName,
  type RpcMethodEntry,
} from '../protocol/registry/index.js';
import {
  HTTP_GET_RESPONSE,
  IpcFatalError,
  RpcErrorCode,
  RpcFrameDecoder,
  checkPreamble,
  retryCacheIds,
  decodeInbound,
  encodeResponse,
  opIdOfCallerContext,
  type ResponseError,
} from '../protocol/rpc-frame.js';
import { compactForJournal, journalRpcFrame, type Journal } from '../transport/journal.js';
import { faultDelay, faultView } from '../transport/faults.js';
import { listenWithFallback } from '../transport/http-limits.js';
import type { FrameMessage } from '../protocol/journal-types.js';

export interface RpcCallContext {
  /** The caller's lab id (dn1, snn, client): a DataNode by its registration, else by protocol. */
  caller: string;
  /** The caller's address as seen on the socket. */
  callerAddr: string;
  /** The effective user of the connection context (SIMPLE authentication). */
  user: string;
  protocol: ProtocolName;
  callId: number;
  /** The call's RpcIds for the edit log's retry cache (client id as UUID text, call id); absent when HDFS keeps none. */
  rpcIds?: { clientId: string; callId: number };
  /** The lab's operation id from the call's CallerContext, when the lab's client sent one. */
  opId?: string;
}

export type RpcHandler = (method: RpcMethod, params: unknown, ctx: RpcCallContext) => unknown;

export interface RpcServerOptions {
  host: string;
  port: number;
  selfId: string;
  journal: Journal;
  handler: RpcHandler;
  /** The protocols this port serves (NAMENODE_RPC_PROTOCOLS unless given); a call on another gets RpcNoSuchProtocolException. */
  protocols?: readonly ProtocolName[];
  /** The lab id of callers on a protocol's connections until a request names them (NamenodeProtocol: the Secondary). */
  callerOfProtocol?: Partial<Record<ProtocolName, string>>;
  /**
   * The lab id of a caller known by its address on a protocol's connections (a DataNode's
   * versionRequest comes before any registration names it), or undefined.
   */
  callerOfAddress?: (protocol: ProtocolName, host: string) => string | undefined;
  /** Called for a failure that is not a RemoteError (a bug): logged, answered as IOException. */
  onInternalError?: (err: unknown, method: string) => void;
  /** A taken port falls back to a free one (a DataNode's IPC port; the NameNode's must be the one planned). */
  portFallback?: boolean;
  /** Tests shorten the bounds of limits.ts; daemons use those. */
  limits?: Partial<RpcServerLimits>;
}

export interface RpcServerLimits {
  idleMs: number;
  idleScanIntervalMs: number;
  bufferedBytesMax: number;
  connectionsMax: number;
}

const DEFAULT_LIMITS: RpcServerLimits = {
  idleMs: RPC_CONNECTION_IDLE_MS,
  idleScanIntervalMs: RPC_IDLE_SCAN_INTERVAL_MS,
  bufferedBytesMax: RPC_BUFFERED_BYTES_SERVER_MAX,
  connectionsMax: RPC_CONNECTIONS_MAX,
};

export interface RpcServer {
  port: number;
  host: string;
  close(): Promise<void>;
}

export async function startRpcServer(opts: RpcServerOptions): Promise<RpcServer> {
  await loadProtocolTables(opts.protocols ?? NAMENODE_RPC_PROTOCOLS);
  const sockets = new Set<net.Socket>();
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const load = new ServerLoad(limits, opts);
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    new Connection(socket, opts, load).start();
  });
  // Past the cap Node closes new connections as they arrive, as Hadoop's Listener does.
  server.maxConnections = limits.connectionsMax;
  const sweep = setInterval(() => load.closeIdle(Date.now()), limits.idleScanIntervalMs);
  sweep.unref();
  if (opts.portFallback) await listenWithFallback(server, opts.host, opts.port);
  else
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: opts.host, port: opts.port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    host: opts.host,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sweep);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * What one server holds over all its connections: calls in flight (connections paused for them
 * wait here), unfinished request bytes, and the connections themselves for the idle sweep.
 */
class ServerLoad {
  inFlight = 0;
  bufferedBytes = 0;
  readonly connections = new Set<Connection>();
  private waiting = new Set<() => void>();

  constructor(
    readonly limits: RpcServerLimits,
    private readonly opts: RpcServerOptions,
  ) {}

  /** Hadoop's ConnectionManager.closeIdle: no call in progress and nothing received for idleMs. */
  closeIdle(nowMs: number): void {
    for (const c of [...this.connections]) {
      if (c.idleSince(nowMs) >= this.limits.idleMs) c.drop();
    }
  }

  /** Over the byte budget: close the connection holding the most unfinished bytes until under it. */
  enforceBudget(): void {
    while (this.bufferedBytes > this.limits.bufferedBytesMax) {
      let biggest: Connection | null = null;
      for (const c of this.connections) if (!biggest || c.buffered > biggest.buffered) biggest = c;
      if (!biggest || biggest.buffered === 0) return;
      this.opts.journal.event({
        type: 'log',
        level: 'warn',
        text: `IPC Server: closing connection ${biggest.name}: it holds ${biggest.buffered} bytes of unfinished requests and the server ${this.bufferedBytes} (at most ${this.limits.bufferedBytesMax})`,
      });
      biggest.drop();
    }
  }

  full(): boolean {
    return this.inFlight >= RPC_CALLS_IN_FLIGHT_SERVER_MAX;
  }
  wait(resume: () => void): void {
    this.waiting.add(resume);
  }
  done(): void {
    this.inFlight--;
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const resume of waiting) resume();
  }
}

class Connection {
  private readonly decoder = new RpcFrameDecoder(true);
  private readonly remote: string;
  private readonly local: string;
  private readonly conn: string;
  private contextRead = false;
  private user = '';
  private protocol: ProtocolName = CLIENT_PROTOCOL;
  private caller = 'client';
  private inFlight = 0;
  private closed = false;
  /** Bytes of this connection counted in the server's bufferedBytes. */
  private accounted = 0;
  private lastContactMs = Date.now();
  private waitingDrain = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly opts: RpcServerOptions,
    private readonly load: ServerLoad,
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.local = `${socket.localAddress}:${socket.localPort}`;
    this.conn = `${this.remote}->${this.local}`;
  }

  get name(): string {
    return this.remote;
  }

  get buffered(): number {
    return this.decoder.buffered;
  }

  /** Milliseconds since the peer last sent anything, or 0 while a call of it is in progress. */
  idleSince(nowMs: number): number {
    return this.inFlight > 0 ? 0 : nowMs - this.lastContactMs;
  }

  /** Closes without an answer (idle, or over the byte budget) and gives the buffers back. */
  drop(): void {
    this.closed = true;
    this.socket.destroy();
    this.release();
  }

  start(): void {
    this.load.connections.add(this);
    this.socket.on('data', (chunk: Buffer) => {
      this.lastContactMs = Date.now();
      this.decoder.push(chunk);
      this.pump();
      this.account();
      this.load.enforceBudget();
    });
    this.socket.on('error', () => this.socket.destroy());
    this.socket.on('close', () => {
      this.closed = true;
      this.release();
    });
  }

  /** Keeps the server's count of unfinished bytes equal to the sum over its connections. */
  private account(): void {
    this.load.bufferedBytes += this.decoder.buffered - this.accounted;
    this.accounted = this.decoder.buffered;
  }

  private release(): void {
    this.decoder.clear();
    this.account();
    this.load.connections.delete(this);
  }

  /** Read and dispatch whole frames until the buffer runs dry or a limit says wait. */
  private pump(): void {
    while (!this.closed) {
      if (this.inFlight >= RPC_CALLS_IN_FLIGHT_PER_CONNECTION_MAX) {
        this.socket.pause();
        return;
      }
      if (this.socket.writableLength > RPC_REPLY_BYTES_QUEUED_PER_CONNECTION_MAX) {
        // The peer does not read its answers: stop reading its calls until they drain.
        this.socket.pause();
        if (!this.waitingDrain) {
          this.waitingDrain = true;
          this.socket.once('drain', () => {
            this.waitingDrain = false;
            this.resume();
          });
        }
        return;
      }
      if (this.load.full()) {
        this.socket.pause();
        this.load.wait(() => this.resume());
        return;
      }
      let unit;
      try {
        unit = this.decoder.next();
      } catch (err) {
        this.fatal(err as IpcFatalError);
        return;
      }
      if (!unit) return;
      if (unit.kind === 'preamble') this.onPreamble(unit.raw);
      else this.onFrame(unit.raw);
    }
  }

  private resume(): void {
    if (this.closed) return;
    this.socket.resume();
    this.pump();
    this.account();
  }

  private journal(dir: 'send' | 'recv', msg: FrameMessage, raw: Buffer, opId?: string): void {
    journalRpcFrame(this.opts.journal, {
      dir,
      conn: this.conn,
      ours: { name: this.opts.selfId, addr: this.local },
      theirs: { name: this.caller, addr: this.remote },
      msg,
      raw,
      opId,
    });
  }

  private onPreamble(raw: Buffer): void {
    const verdict = checkPreamble(raw);
    if (verdict.kind === 'http') {
      this.closed = true;
      this.socket.end(HTTP_GET_RESPONSE);
      return;
    }
    this.journal(
      'recv',
      { type: 'rpc-preamble', version: raw[4] ?? 0, serviceClass: raw[5] ?? 0, authProtocol: raw[6] ?? 0 },
      raw,
    );
    if (verdict.kind === 'fatal') this.fatal(verdict.error);
  }

  private onFrame(raw: Buffer): void {
    let frame;
    try {
      frame = decodeInbound(raw, this.contextRead);
    } catch (err) {
      this.fatal(err as IpcFatalError);
      return;
    }
    if (frame.kind === 'ping') return; // Java's client pings after its read timeout; Hadoop answers nothing.
    if (frame.kind === 'context') {
      this.contextRead = true;
      this.user = frame.context.userInfo?.effectiveUser ?? '';
      const protocol = frame.context.protocol ?? '';
      if (isProtocolName(protocol)) {
        this.protocol = protocol;
        this.caller =
          this.opts.callerOfProtocol?.[protocol] ??
          this.opts.callerOfAddress?.(protocol, this.socket.remoteAddress ?? '') ??
          this.caller;
      }
      this.journal('recv', { type: 'rpc-context', user: this.user, protocol }, raw);
      return;
    }
    const { header, requestHeader } = frame;
    const callId = header.callId;
    const methodName = requestHeader.methodName;
    const protocolName = requestHeader.declaringClassProtocolName;
    const reply = { callId, clientId: header.clientId, retryCount: header.retryCount };
    const served = this.opts.protocols ?? NAMENODE_RPC_PROTOCOLS;
    const entry = entryFor(protocolName, methodName, served);
    if (!entry) {
      const known = isProtocolName(protocolName) && served.includes(protocolName);
      this.journal('recv', { type: 'rpc-call', method: methodName as RpcMethod, callId, params: {} }, raw);
      this.respond(reply, methodName as RpcMethod, undefined, {
        error: known
          ? {
              exceptionClassName: ERROR_CLASSES.UnknownMethodException,
              errorMsg: `Unknown method ${methodName} called on ${protocolName} protocol.`,
              errorDetail: RpcErrorCode.ERROR_NO_SUCH_METHOD,
            }
          : {
              exceptionClassName: 'org.apache.hadoop.ipc.RpcNoSuchProtocolException',
              errorMsg: `Unknown protocol: ${protocolName}`,
              errorDetail: RpcErrorCode.ERROR_NO_SUCH_PROTOCOL,
            },
      });
      return;
    }
    let params: unknown;
    try {
      params = entry.decodeRequest(frame.request);
    } catch (err) {
      if (err instanceof ProtoDecodeError) {
        this.fatal(
          new IpcFatalError(
            RpcErrorCode.FATAL_DESERIALIZING_REQUEST,
            `IPC server unable to read call parameters: ${err.message}`,
            undefined,
            callId,
          ),
        );
        return;
      }
      this.journal('recv', { type: 'rpc-call', method: entry.method, callId, params: {} }, raw);
      this.respond(reply, entry.method, undefined, { error: errorOf(err) });
      return;
    }
    this.caller = (entry as RpcMethodEntry).callerName?.(params as never) ?? this.caller;
    // Fault hook: a frame from across a partition never arrives; the caller sees no answer.
    if (faultView(this.opts.journal, this.opts.selfId).cutReason(this.caller)) {
      this.closed = true;
      this.socket.destroy();
      return;
    }
    const opId = opIdOfCallerContext(header.callerContext?.context);
    this.journal(
      'recv',
      { type: 'rpc-call', method: entry.method, callId, params: compactForJournal(params) },
      raw,
      opId,
    );
    const ids = retryCacheIds({ clientId: header.clientId, callId });
    const ctx: RpcCallContext = {
      caller: this.caller,
      callerAddr: this.socket.remoteAddress ?? '',
      user: this.user,
      protocol: entry.protocol,
      callId,
      ...(ids ? { rpcIds: ids } : {}),
      ...(opId ? { opId } : {}),
    };
    this.inFlight++;
    this.load.inFlight++;
    void this.run(entry, params, ctx, reply).finally(() => {
      this.inFlight--;
      this.load.done();
      this.resume();
    });
  }

  private async run(
    entry: RpcMethodEntry,
    params: unknown,
    ctx: RpcCallContext,
    reply: { callId: number; clientId: Uint8Array; retryCount: number },
  ): Promise<void> {
    let result: unknown;
    try {
      result = await this.opts.handler(entry.method, params, ctx);
    } catch (err) {
      if (!(err instanceof RemoteError)) this.opts.onInternalError?.(err, entry.method);
      this.respond(reply, entry.method, ctx.opId, { error: errorOf(err) });
      return;
    }
    let body: Uint8Array;
    try {
      body = entry.encodeResponse(result as never);
    } catch (err) {
      this.opts.onInternalError?.(err, entry.method);
      this.respond(reply, entry.method, ctx.opId, {
        error: {
          exceptionClassName: ERROR_CLASSES.IOException,
          errorMsg: `cannot serialize the ${entry.method} response: ${(err as Error).message}`,
          errorDetail: RpcErrorCode.ERROR_SERIALIZING_RESPONSE,
        },
      });
      return;
    }
    this.respond(reply, entry.method, ctx.opId, { body, result });
  }

  private respond(
    reply: { callId: number; clientId: Uint8Array; retryCount: number },
    method: RpcMethod,
    opId: string | undefined,
    outcome: { body: Uint8Array; result: unknown } | { error: ResponseError },
  ): void {
    if (this.closed || this.socket.destroyed) return;
    const raw =
      'error' in outcome
        ? encodeResponse({ ...reply, error: outcome.error })
        : encodeResponse({ ...reply, body: outcome.body });
    const msg: FrameMessage =
      'error' in outcome
        ? {
            type: 'rpc-reply',
            method,
            callId: reply.callId,
            ok: false,
            error: `${shortClass(outcome.error.exceptionClassName)}: ${outcome.error.errorMsg}`,
          }
        : {
            type: 'rpc-reply',
            method,
            callId: reply.callId,
            ok: true,
            result: compactForJournal(outcome.result ?? null),
          };
    this.journal('send', msg, raw, opId);
    const delay = faultDelay(faultView(this.opts.journal, this.opts.selfId));
    if (delay) void delay.then(() => !this.socket.destroyed && this.socket.write(raw));
    else this.socket.write(raw);
  }

  /** A FATAL reply as Hadoop sends it, then the connection is closed. */
  private fatal(err: IpcFatalError): void {
    if (this.closed) return;
    this.closed = true;
    const fatalError =
      err instanceof IpcFatalError ? err : new IpcFatalError(RpcErrorCode.FATAL_UNKNOWN, String(err));
    const raw = encodeResponse({
      callId: fatalError.callId,
      error: {
        exceptionClassName: fatalError.exceptionClass,
        errorMsg: fatalError.message,
        errorDetail: fatalError.code,
      },
      fatal: true,
    });
    this.journal(
      'send',
      {
        type: 'rpc-reply',
        method: 'fatal' as RpcMethod,
        callId: fatalError.callId,
        ok: false,
        error: `FATAL ${shortClass(fatalError.exceptionClass)}: ${fatalError.message}`,
      },
      raw,
    );
    this.socket.end(raw);
  }
}

function shortClass(javaClass: string): string {
  return javaClass.slice(javaClass.lastIndexOf('.') + 1);
}

/** An exception as HDFS reports it: the Java class and the message. */
export function errorOf(err: unknown): ResponseError {
  if (err instanceof RemoteError) {
    return {
      exceptionClassName: err.javaClassName,
      errorMsg: err.message,
      errorDetail: RpcErrorCode.ERROR_APPLICATION,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  const name = err instanceof Error && isErrorClass(err.name) ? err.name : 'IOException';
  return {
    exceptionClassName: ERROR_CLASSES[name as keyof typeof ERROR_CLASSES],
    errorMsg: message,
    errorDetail: RpcErrorCode.ERROR_APPLICATION,
  };
}
