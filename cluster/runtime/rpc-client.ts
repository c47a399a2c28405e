/**
 * The RPC client: one TCP connection to a server, calls multiplexed by call id. Replies with
 * `ok: false` are rethrown as RemoteError carrying HDFS's exception name and message.
 */
import net from 'node:net';
import { RemoteError, isErrorClass } from '../protocol/errors.js';
import { RPC_TIMEOUT_MS } from '../protocol/limits.js';
import { PROTOCOL_OF, type RpcMethod, type RpcRequest, type RpcResult } from '../protocol/messages.js';
import { RPC_PREAMBLE, RpcFrameDecoder, encodeFrame, parseReplyFrame } from '../protocol/rpc-frame.js';
import { compactForJournal, type Journal } from './journal.js';
import { faultDelay, faultView } from './faults.js';

export interface RpcClientOptions {
  host: string;
  port: number;
  /** Our lab id (client, dn1, snn) — the server journals frames under it. */
  selfId: string;
  /** The server's lab id (nn). */
  peerId: string;
  journal: Journal;
  /** Bind the local end to this address (e.g. the client's own loopback alias). */
  localAddress?: string;
  timeoutMs?: number;
}

interface Pending {
  method: RpcMethod;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  opId?: string;
}

export class ConnectError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ConnectError';
  }
}

export class RpcClient {
  private nextCallId = 0;
  private pending = new Map<number, Pending>();
  private decoder = new RpcFrameDecoder(false);
  private local = '';
  private remote = '';
  private closedError: Error | null = null;
  /** Frames go out in call order, also when a slow-node delay holds some back. */
  private sendChain: Promise<void> = Promise.resolve();

  private constructor(
    private readonly socket: net.Socket,
    private readonly opts: RpcClientOptions,
  ) {}

  static connect(opts: RpcClientOptions): Promise<RpcClient> {
    // Fault hook: a partitioned peer refuses the connection, as an unreachable host would.
    const cut = faultView(opts.journal, opts.selfId).cutReason(opts.peerId);
    if (cut)
      return Promise.reject(
        new ConnectError(
          `cannot reach ${opts.peerId} at ${opts.host}:${opts.port} (ECONNREFUSED: ${cut})`,
          'ECONNREFUSED',
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
      let client: RpcClient | null = null;
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (client) {
          // A reset or broken pipe after connecting: the peer went away (killed, restarted).
          client.failAll(
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
          ),
        );
      });
      socket.once('connect', () => {
        const connected = new RpcClient(socket, opts);
        client = connected;
        connected.local = `${socket.localAddress}:${socket.localPort}`;
        connected.remote = `${socket.remoteAddress}:${socket.remotePort}`;
        socket.on('data', (chunk: Buffer) => connected.onData(chunk));
        socket.on('close', () =>
          connected.failAll(new ConnectError(`connection to ${opts.peerId} closed`, 'ECLOSED')),
        );
        socket.write(RPC_PREAMBLE);
        resolve(connected);
      });
    });
  }

  get localAddress(): string {
    return this.local;
  }

  call<M extends RpcMethod>(
    method: M,
    params: RpcRequest<M>,
    opts: { opId?: string; timeoutMs?: number } = {},
  ): Promise<RpcResult<M>> {
    if (this.closedError) return Promise.reject(this.closedError);
    // Fault hook: a partition that starts mid-connection breaks it; a slow process delays each frame.
    const faults = faultView(this.opts.journal, this.opts.selfId);
    const cut = faults.cutReason(this.opts.peerId);
    if (cut) {
      this.close();
      return Promise.reject(
        new ConnectError(`connection to ${this.opts.peerId} lost (${cut})`, 'ECONNRESET'),
      );
    }
    const callId = this.nextCallId++;
    const frame = {
      callId,
      method,
      protocol: PROTOCOL_OF[method],
      clientId: this.opts.selfId,
      ...(opts.opId ? { opId: opts.opId } : {}),
      params,
    };
    const raw = encodeFrame(frame);
    this.opts.journal.frame({
      dir: 'send',
      ch: 'rpc',
      conn: `${this.local}->${this.remote}`,
      src: this.opts.selfId,
      srcAddr: this.local,
      dst: this.opts.peerId,
      dstAddr: this.remote,
      msg: { type: 'rpc-call', method, callId, params: compactForJournal(params) },
      bytes: raw.length,
      raw,
      ...(opts.opId ? { op: opts.opId } : {}),
    });
    return new Promise<RpcResult<M>>((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? this.opts.timeoutMs ?? RPC_TIMEOUT_MS;
      const timer = setTimeout(() => {
        this.pending.delete(callId);
        reject(new Error(`${this.opts.peerId} did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      const entry: Pending = { method, resolve: resolve as (v: unknown) => void, reject, timer };
      if (opts.opId) entry.opId = opts.opId;
      this.pending.set(callId, entry);
      const delay = faultDelay(faults);
      if (delay) this.sendChain = this.sendChain.then(() => delay);
      this.sendChain = this.sendChain.then(() => void this.socket.write(raw));
    });
  }

  private onData(chunk: Buffer): void {
    this.decoder.push(chunk);
    try {
      for (let raw = this.decoder.nextRaw(); raw; raw = this.decoder.nextRaw()) {
        const reply = parseReplyFrame(raw);
        const entry = this.pending.get(reply.callId);
        this.opts.journal.frame({
          dir: 'recv',
          ch: 'rpc',
          conn: `${this.local}->${this.remote}`,
          src: this.opts.peerId,
          srcAddr: this.remote,
          dst: this.opts.selfId,
          dstAddr: this.local,
          msg: reply.ok
            ? {
                type: 'rpc-reply',
                method: entry?.method ?? 'labPing',
                callId: reply.callId,
                ok: true,
                result: compactForJournal(reply.result),
              }
            : {
                type: 'rpc-reply',
                method: entry?.method ?? 'labPing',
                callId: reply.callId,
                ok: false,
                error: `${reply.error.exception}: ${reply.error.message}`,
              },
          bytes: raw.length,
          ...(entry?.opId ? { op: entry.opId } : {}),
        });
        if (!entry) {
          if (reply.callId === -1 && !reply.ok)
            this.failAll(new RemoteError('MalformedFrameException', reply.error.message));
          continue;
        }
        this.pending.delete(reply.callId);
        clearTimeout(entry.timer);
        if (reply.ok) entry.resolve(reply.result);
        else {
          const cls = isErrorClass(reply.error.exception) ? reply.error.exception : 'IOException';
          entry.reject(new RemoteError(cls, reply.error.message));
        }
      }
    } catch (err) {
      this.failAll(err as Error);
      this.socket.destroy();
    }
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
    this.socket.destroy();
  }
}
