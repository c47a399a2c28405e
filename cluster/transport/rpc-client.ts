/**
 * The RPC client, Hadoop IPC version 9 as Java's org.apache.hadoop.ipc.Client speaks it: connect,
 * write the preamble and the connection context (user, protocol) without waiting, then calls with
 * increasing callIds, several in flight, each answer matched by its callId. An ERROR or FATAL
 * answer is rethrown as a RemoteError with HDFS's exception class and message.
 *
 * Like Java's Client, it closes its own connection after ipc.client.connection.maxidletime (10 s)
 * with no call in flight and dials again on the next call, so a long-lived client (a shell, the
 * runner) never meets the server's idle sweep at twice that (see rpc-server.ts). A connection the
 * server closes is not redialled: the calls fail and the owner decides (a DataNode registers again).
 */
import crypto from 'node:crypto';
import net from 'node:net';
import { labUser } from '../common/user.js';
import { RemoteError, remoteErrorOfJavaClass } from '../protocol/errors.js';
import { RPC_CLIENT_IDLE_MS, RPC_TIMEOUT_MS } from '../protocol/limits.js';
import type { RpcMethod, RpcRequest, RpcResult } from '../protocol/messages.js';
import {
  CLIENT_PROTOCOL,
  entryForCall,
  loadProtocolTables,
  protocolTable,
  type ProtocolName,
} from '../protocol/registry/index.js';
import {
  RPC_PREAMBLE,
  RpcFrameDecoder,
  RpcStatus,
  callerContextOfOp,
  decodeResponse,
  encodeCall,
  encodeConnectionContext,
  newClientId,
} from '../protocol/rpc-frame.js';
import type { FrameMessage } from '../protocol/journal-types.js';
import { compactForJournal, journalRpcFrame, type Journal } from './journal.js';
import { faultDelay, faultView } from './faults.js';

export interface RpcClientOptions {
  host: string;
  port: number;
  /** Our lab id (client, dn1, snn): the journal's name for this end. */
  selfId: string;
  /** The server's lab id (nn). */
  peerId: string;
  journal: Journal;
  /** The protocol named in the connection context (ClientProtocol unless a daemon's). */
  protocol?: ProtocolName;
  /** The effective user under SIMPLE authentication: HADOOP_USER_NAME, else the OS user, as Hadoop's UGI. */
  user?: string;
  /** Bind the local end to this address (e.g. the client's own loopback alias). */
  localAddress?: string;
  timeoutMs?: number;
  /** Close the connection after this long with no call in flight (tests; RPC_CLIENT_IDLE_MS otherwise). */
  idleMs?: number;
}

interface Pending {
  method: RpcMethod;
  params: unknown;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  opId?: string;
}

export class ConnectError extends Error {
  constructor(
    message: string,
    readonly code: string,
    /** The address dialled, when the connection could not be made (as Java's ConnectException names it). */
    readonly target?: { host: string; port: number },
  ) {
    super(message);
    this.name = 'ConnectError';
  }
}

export function defaultRpcUser(): string {
  return process.env.HADOOP_USER_NAME || labUser();
}

export class RpcClient {
  /** Java's Client counts call ids from 0. */
  private nextCallId = 0;
  private pending = new Map<number, Pending>();
  private decoder = new RpcFrameDecoder(false);
  /** The connection; null after this client closed it for being idle (the next call dials again). */
  private socket: net.Socket | null = null;
  private dialing: Promise<void> | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private local = '';
  private remote = '';
  private closedError: Error | null = null;
  private readonly clientId = newClientId((n) => crypto.randomBytes(n));
  private readonly protocol: ProtocolName;
  /** Frames go out in call order, also when a slow-node delay holds some back. */
  private sendChain: Promise<void> = Promise.resolve();

  private constructor(private readonly opts: RpcClientOptions) {
    this.protocol = opts.protocol ?? CLIENT_PROTOCOL;
  }

  static async connect(opts: RpcClientOptions): Promise<RpcClient> {
    const client = new RpcClient(opts);
    await loadProtocolTables([client.protocol]);
    await client.dial();
    return client;
  }

  private dial(): Promise<void> {
    const opts = this.opts;
    // Fault hook: a partitioned peer refuses the connection, as an unreachable host would.
    const cut = faultView(opts.journal, opts.selfId).cutReason(opts.peerId);
    if (cut)
      return Promise.reject(
        new ConnectError(
          `cannot reach ${opts.peerId} at ${opts.host}:${opts.port} (ECONNREFUSED: ${cut})`,
          'ECONNREFUSED',
          { host: opts.host, port: opts.port },
        ),
      );
    return new Promise((resolve, reject) => {
      const socket = net.connect({
        host: opts.host,
        port: opts.port,
        ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
      });
      socket.setNoDelay(true);
      // One error listener for the socket's whole life, so no error is ever unhandled: before the
      // connection is up it rejects the connect, afterwards it fails the pending calls.
      let up = false;
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (up) {
          // A reset or broken pipe after connecting: the peer went away (killed, restarted).
          if (this.socket === socket)
            this.failAll(
              new ConnectError(
                `lost the connection to ${opts.peerId} (${err.code ?? err.message})`,
                err.code ?? 'ECONNRESET',
              ),
            );
          return;
        }
        reject(
          new ConnectError(
            `cannot reach ${opts.peerId} at ${opts.host}:${opts.port} (${err.code ?? err.message}); is the cluster running? Try \`lab status\`.`,
            err.code ?? 'ECONNECT',
            { host: opts.host, port: opts.port },
          ),
        );
      });
      socket.once('connect', () => {
        up = true;
        this.socket = socket;
        this.decoder = new RpcFrameDecoder(false);
        this.local = `${socket.localAddress}:${socket.localPort}`;
        this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
        socket.on('data', (chunk: Buffer) => {
          if (this.socket === socket) this.onData(chunk);
        });
        socket.on('close', () => {
          if (this.socket === socket)
            this.failAll(new ConnectError(`connection to ${opts.peerId} closed`, 'ECLOSED'));
        });
        this.open(socket);
        this.armIdleClose();
        resolve();
      });
    });
  }

  /** The preamble and the connection context, back to back; the server answers neither. */
  private open(socket: net.Socket): void {
    const user = this.opts.user ?? defaultRpcUser();
    const context = encodeConnectionContext({ clientId: this.clientId, user, protocol: this.protocol });
    this.journal(
      'send',
      {
        type: 'rpc-preamble',
        version: RPC_PREAMBLE[4] ?? 9,
        serviceClass: RPC_PREAMBLE[5] ?? 0,
        authProtocol: RPC_PREAMBLE[6] ?? 0,
      },
      RPC_PREAMBLE,
    );
    this.journal('send', { type: 'rpc-context', user, protocol: this.protocol }, context);
    socket.write(Buffer.concat([RPC_PREAMBLE, context]));
  }

  /** Java's Client: a connection with no call in flight for maxidletime is closed by its client. */
  private armIdleClose(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.pending.size > 0 || !this.socket) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.pending.size > 0 || this.closedError) return;
      const socket = this.socket;
      this.socket = null;
      socket?.destroy();
    }, this.opts.idleMs ?? RPC_CLIENT_IDLE_MS);
    this.idleTimer.unref();
  }

  get localAddress(): string {
    return this.local;
  }

  private journal(dir: 'send' | 'recv', msg: FrameMessage, raw: Buffer, opId?: string): void {
    journalRpcFrame(this.opts.journal, {
      dir,
      conn: `${this.local}->${this.remote}`,
      ours: { name: this.opts.selfId, addr: this.local },
      theirs: { name: this.opts.peerId, addr: this.remote },
      msg,
      raw,
      opId,
    });
  }

  call<M extends RpcMethod>(
    method: M,
    params: RpcRequest<M>,
    opts: { opId?: string; timeoutMs?: number } = {},
  ): Promise<RpcResult<M>> {
    if (this.closedError) return Promise.reject(this.closedError);
    if (!this.socket) {
      // Closed for being idle: dial again, as Java's Client does on the next call.
      this.dialing ??= this.dial().finally(() => {
        this.dialing = null;
      });
      return this.dialing.then(() => this.call(method, params, opts));
    }
    // A method of another protocol than the connection's: its table may not be loaded yet.
    if (!protocolTable(this.protocol)[method]) {
      return loadProtocolTables().then(() => this.callLoaded(method, params, opts));
    }
    return this.callLoaded(method, params, opts);
  }

  private callLoaded<M extends RpcMethod>(
    method: M,
    params: RpcRequest<M>,
    opts: { opId?: string; timeoutMs?: number },
  ): Promise<RpcResult<M>> {
    const socket = this.socket;
    if (!socket) return this.call(method, params, opts);
    // Fault hook: a partition that starts mid-connection breaks it; a slow process delays each frame.
    const faults = faultView(this.opts.journal, this.opts.selfId);
    const cut = faults.cutReason(this.opts.peerId);
    if (cut) {
      this.close();
      return Promise.reject(
        new ConnectError(`connection to ${this.opts.peerId} lost (${cut})`, 'ECONNRESET'),
      );
    }
    const entry = entryForCall(this.protocol, method);
    const callId = this.nextCallId;
    this.nextCallId = (this.nextCallId + 1) | 0;
    let raw: Buffer;
    try {
      raw = encodeCall({
        callId,
        clientId: this.clientId,
        methodName: method,
        protocol: entry.protocol,
        request: entry.encodeRequest(params),
        ...(opts.opId ? { callerContext: callerContextOfOp(opts.opId) } : {}),
      });
    } catch (err) {
      return Promise.reject(
        new RemoteError('IOException', `cannot encode ${method}: ${(err as Error).message}`),
      );
    }
    this.journal(
      'send',
      { type: 'rpc-call', method, callId, params: compactForJournal(params) },
      raw,
      opts.opId,
    );
    return new Promise<RpcResult<M>>((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? this.opts.timeoutMs ?? RPC_TIMEOUT_MS;
      const timer = setTimeout(() => {
        this.pending.delete(callId);
        this.armIdleClose();
        reject(new Error(`${this.opts.peerId} did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      const pending: Pending = { method, params, resolve: resolve as (v: unknown) => void, reject, timer };
      if (opts.opId) pending.opId = opts.opId;
      this.pending.set(callId, pending);
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = null;
      const delay = faultDelay(faults);
      if (delay) this.sendChain = this.sendChain.then(() => delay);
      this.sendChain = this.sendChain.then(() => void socket.write(raw));
    });
  }

  private onData(chunk: Buffer): void {
    this.decoder.push(chunk);
    try {
      for (let unit = this.decoder.next(); unit; unit = this.decoder.next()) this.onResponse(unit.raw);
    } catch (err) {
      this.failAll(err as Error);
      this.socket?.destroy();
    }
    this.armIdleClose();
  }

  private onResponse(raw: Buffer): void {
    const { header, callId, body } = decodeResponse(raw);
    const entry = this.pending.get(callId);
    const method = entry?.method ?? ('fatal' as RpcMethod);
    if (header.status === RpcStatus.SUCCESS) {
      if (!entry) return;
      this.pending.delete(callId);
      clearTimeout(entry.timer);
      let result: unknown;
      try {
        result = entryForCall(this.protocol, entry.method).decodeResponse(body, entry.params as never);
      } catch (err) {
        this.journal(
          'recv',
          { type: 'rpc-reply', method, callId, ok: false, error: (err as Error).message },
          raw,
          entry.opId,
        );
        entry.reject(
          new RemoteError('IOException', `${method}: unreadable response: ${(err as Error).message}`),
        );
        return;
      }
      this.journal(
        'recv',
        { type: 'rpc-reply', method, callId, ok: true, result: compactForJournal(result ?? null) },
        raw,
        entry.opId,
      );
      entry.resolve(result);
      return;
    }
    const error = remoteErrorOfJavaClass(header.exceptionClassName ?? '', header.errorMsg ?? '');
    const shortName = (header.exceptionClassName ?? '').split('.').pop() ?? '';
    this.journal(
      'recv',
      { type: 'rpc-reply', method, callId, ok: false, error: `${shortName}: ${header.errorMsg ?? ''}` },
      raw,
      entry?.opId,
    );
    if (header.status === RpcStatus.FATAL) {
      // The server closes the connection after a FATAL answer: every call in flight fails with it.
      this.failAll(error);
      this.socket?.destroy();
      return;
    }
    if (!entry) return;
    this.pending.delete(callId);
    clearTimeout(entry.timer);
    entry.reject(error);
  }

  private failAll(err: Error): void {
    if (!this.closedError) this.closedError = err;
    for (const [id, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(err);
      this.pending.delete(id);
    }
  }

  close(): void {
    this.closedError ??= new Error('client closed');
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.socket?.destroy();
  }
}
