/**
 * The RPC server: accepts connections, checks the `hrpc` preamble, decodes frames, runs the
 * handler, and answers every call with a coded reply — an operating error becomes an
 * `ok: false` reply with HDFS's exception name, never a dropped connection. Every frame in both
 * directions goes to the journal.
 */
import net from 'node:net';
import { RemoteError, isErrorClass, ERROR_CLASSES } from '../protocol/errors.js';
import { compactForJournal, type Journal } from './journal.js';
import { faultDelay, faultView } from './faults.js';
import type { RpcCallFrame, RpcMethod, RpcReplyFrame } from '../protocol/messages.js';
import { RpcFrameDecoder, encodeFrame, parseCallFrame } from '../protocol/rpc-frame.js';

export interface RpcCallContext {
  /** The caller's lab id (dn1, client, snn). */
  caller: string;
  /** The caller's address as seen on the socket. */
  callerAddr: string;
  callId: number;
  opId?: string;
}

export type RpcHandler = (method: RpcMethod, params: unknown, ctx: RpcCallContext) => unknown;

export interface RpcServerOptions {
  host: string;
  port: number;
  selfId: string;
  journal: Journal;
  handler: RpcHandler;
  /** Called for a failure that is not a RemoteError (a bug): logged, answered as IOException. */
  onInternalError?: (err: unknown, method: string) => void;
}

export interface RpcServer {
  port: number;
  host: string;
  close(): Promise<void>;
}

export async function startRpcServer(opts: RpcServerOptions): Promise<RpcServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, opts);
  });
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
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function serveConnection(socket: net.Socket, opts: RpcServerOptions): void {
  const decoder = new RpcFrameDecoder(true);
  const remote = `${socket.remoteAddress}:${socket.remotePort}`;
  const local = `${socket.localAddress}:${socket.localPort}`;
  const conn = `${remote}->${local}`;
  let caller = remote;

  const sendReply = (frame: RpcReplyFrame, method: RpcMethod, opId: string | undefined): void => {
    let raw: Buffer;
    try {
      raw = encodeFrame(frame);
    } catch (err) {
      const error = toErrorBody(err);
      frame = { callId: frame.callId, ok: false, error };
      raw = encodeFrame(frame);
    }
    opts.journal.frame({
      dir: 'send',
      ch: 'rpc',
      conn,
      src: opts.selfId,
      srcAddr: local,
      dst: caller,
      dstAddr: remote,
      msg: frame.ok
        ? {
            type: 'rpc-reply',
            method,
            callId: frame.callId,
            ok: true,
            result: compactForJournal(frame.result),
          }
        : {
            type: 'rpc-reply',
            method,
            callId: frame.callId,
            ok: false,
            error: `${frame.error.exception}: ${frame.error.message}`,
          },
      bytes: raw.length,
      raw,
      ...(opId ? { op: opId } : {}),
    });
    const delay = faultDelay(faultView(opts.journal, opts.selfId));
    if (delay) void delay.then(() => !socket.destroyed && socket.write(raw));
    else if (!socket.destroyed) socket.write(raw);
  };

  const handleCall = async (call: RpcCallFrame, raw: Buffer): Promise<void> => {
    caller = call.clientId || caller;
    // Fault hook: a frame from across a partition never arrives; the caller sees no answer.
    if (faultView(opts.journal, opts.selfId).cutReason(caller)) {
      socket.destroy();
      return;
    }
    opts.journal.frame({
      dir: 'recv',
      ch: 'rpc',
      conn,
      src: caller,
      srcAddr: remote,
      dst: opts.selfId,
      dstAddr: local,
      msg: {
        type: 'rpc-call',
        method: call.method,
        callId: call.callId,
        params: compactForJournal(call.params),
      },
      bytes: raw.length,
      ...(call.opId ? { op: call.opId } : {}),
    });
    try {
      const ctx: RpcCallContext = { caller, callerAddr: socket.remoteAddress ?? '', callId: call.callId };
      if (call.opId) ctx.opId = call.opId;
      const result = await opts.handler(call.method, call.params ?? {}, ctx);
      sendReply({ callId: call.callId, ok: true, result: result ?? null }, call.method, call.opId);
    } catch (err) {
      if (!(err instanceof RemoteError)) opts.onInternalError?.(err, call.method);
      sendReply({ callId: call.callId, ok: false, error: toErrorBody(err) }, call.method, call.opId);
    }
  };

  socket.on('data', (chunk: Buffer) => {
    decoder.push(chunk);
    try {
      for (let raw = decoder.nextRaw(); raw; raw = decoder.nextRaw()) {
        let call: RpcCallFrame;
        try {
          call = parseCallFrame(raw);
        } catch (err) {
          // A frame we cannot read still gets an answer, then the connection is closed because
          // we cannot trust its framing any more.
          const callId = -1;
          const frame: RpcReplyFrame = { callId, ok: false, error: toErrorBody(err) };
          socket.end(encodeFrame(frame));
          return;
        }
        void handleCall(call, raw);
      }
    } catch (err) {
      socket.end(encodeFrame({ callId: -1, ok: false, error: toErrorBody(err) }));
    }
  });
  socket.on('error', () => socket.destroy());
}

export function toErrorBody(err: unknown): { exception: string; javaClassName: string; message: string } {
  if (err instanceof RemoteError) {
    return { exception: err.errorClass, javaClassName: err.javaClassName, message: err.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  const name = err instanceof Error && isErrorClass(err.name) ? err.name : 'IOException';
  return { exception: name, javaClassName: ERROR_CLASSES[name as keyof typeof ERROR_CLASSES], message };
}
