/**
 * Journal records of HTTP frames (channel `http`): the checkpoint transfers on the NameNode's
 * `/imagetransfer` and the Secondary NameNode's control API. Each request and each response is one
 * frame, journaled by both ends with the same `conn` (`<client ip:port>-><server ip:port>`), so the
 * viewers treat them as they treat RPCs. `bytes` is the head plus the body; `data` is the image or
 * edits bytes the frame carries (0 for control answers and errors).
 */
import http from 'node:http';
import { JOURNAL_RAW_BYTES_MAX } from '../protocol/limits.js';
import type { HttpMethod } from '../protocol/journal-types.js';
import type { Journal } from './journal.js';

/** Who is asking, by lab id, so the server's records name the caller (a lab header). */
export const CALLER_HEADER = 'x-lab-caller';

/** The operation id a request belongs to (the Secondary's `checkpoint-<pid>-<n>`); echoed on the response. */
export const OP_HEADER = 'x-lab-op';

/** The two ends of one HTTP connection, by lab id and address. */
export interface HttpLink {
  clientId: string;
  clientAddr: string;
  serverId: string;
  serverAddr: string;
}

export function linkOfSocket(
  socket: {
    localAddress?: string | undefined;
    localPort?: number | undefined;
    remoteAddress?: string | undefined;
    remotePort?: number | undefined;
  },
  side: 'client' | 'server',
  ids: { clientId: string; serverId: string },
): HttpLink {
  const local = `${socket.localAddress ?? '?'}:${socket.localPort ?? '?'}`;
  const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
  return side === 'client'
    ? { ...ids, clientAddr: local, serverAddr: remote }
    : { ...ids, clientAddr: remote, serverAddr: local };
}

interface HttpFrameInput {
  journal: Journal;
  link: HttpLink;
  dir: 'send' | 'recv';
  /** Head bytes as written (send) or as parsed back (recv). */
  headBytes: number;
  contentBytes: number;
  /** Image or edits bytes among the content. */
  dataBytes: number;
  /** The head and the start of the body, for `lab traffic -X` (send side). */
  raw?: Buffer;
  op?: string | undefined;
}

export function journalHttpRequest(input: HttpFrameInput & { method: HttpMethod; url: string }): void {
  const [pathPart, query = ''] = input.url.split(/\?(.*)/s, 2) as [string, string?];
  journalHttpFrame(input, 'request', { type: 'http-request', method: input.method, path: pathPart, query });
}

export function journalHttpResponse(input: HttpFrameInput & { status: number }): void {
  journalHttpFrame(input, 'response', {
    type: 'http-response',
    status: input.status,
    contentBytes: input.contentBytes,
  });
}

function journalHttpFrame(
  input: HttpFrameInput,
  kind: 'request' | 'response',
  msg: Parameters<Journal['frame']>[0]['msg'],
): void {
  const { link } = input;
  const fromClient = kind === 'request';
  input.journal.frame({
    dir: input.dir,
    ch: 'http',
    conn: `${link.clientAddr}->${link.serverAddr}`,
    src: fromClient ? link.clientId : link.serverId,
    srcAddr: fromClient ? link.clientAddr : link.serverAddr,
    dst: fromClient ? link.serverId : link.clientId,
    dstAddr: fromClient ? link.serverAddr : link.clientAddr,
    msg,
    bytes: input.headBytes + input.contentBytes,
    data: input.dataBytes,
    ...(input.raw ? { raw: input.raw } : {}),
    ...(input.op ? { op: input.op } : {}),
  });
}

/**
 * The head a sender wrote. Node keeps it in the undocumented `_header` once the head is flushed
 * (writeHead, end); without it the head is rebuilt from the start line and the headers set.
 */
function sentHead(message: http.OutgoingMessage, startLine: string): string {
  const written = (message as unknown as { _header?: unknown })._header;
  if (typeof written === 'string' && written) return written;
  return headText(
    startLine,
    Object.entries(message.getHeaders()).map(([k, v]): [string, string] => [k, String(v)]),
  );
}

/** The head a receiver parsed, rebuilt from its start line and raw header pairs. */
function receivedHead(message: http.IncomingMessage, startLine: string): string {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < message.rawHeaders.length; i += 2) {
    pairs.push([message.rawHeaders[i]!, message.rawHeaders[i + 1]!]);
  }
  return headText(startLine, pairs);
}

function headText(startLine: string, pairs: readonly [string, string][]): string {
  return `${startLine}\r\n${pairs.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

/**
 * The head and the body's first bytes, for the hex view; the journal keeps of it what its limits
 * say (the whole of a control answer, the first bytes of an image or edits body).
 */
function rawStart(head: string, body: Buffer | null): Buffer {
  const start = Buffer.from(head, 'latin1');
  if (!body || start.length >= JOURNAL_RAW_BYTES_MAX) return start;
  return Buffer.concat([start, body.subarray(0, JOURNAL_RAW_BYTES_MAX - start.length)]);
}

function headerText(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

// ---------------------------------------------------------------------------------------------
// Server side
// ---------------------------------------------------------------------------------------------

/** One request a server received, journaled; answer it with sendHttpResponse. */
export interface HttpExchange {
  journal: Journal;
  link: HttpLink;
  method: string;
  url: string;
  op?: string | undefined;
}

/**
 * Journals a request a server received. `dataBytes` is the image bytes its body carries (a PUT's
 * content-length); the request line without a known method is refused by the caller, not here.
 */
export function recvHttpRequest(
  journal: Journal,
  req: http.IncomingMessage,
  opts: { serverId: string; dataBytes?: number; op?: string | undefined },
): HttpExchange {
  const clientId = headerText(req.headers[CALLER_HEADER]) ?? agentName(req.headers['user-agent']);
  const link = linkOfSocket(req.socket, 'server', { clientId, serverId: opts.serverId });
  const op = opts.op ?? headerText(req.headers[OP_HEADER]);
  const method = req.method ?? '?';
  const url = req.url ?? '';
  const contentBytes = Number(req.headers['content-length'] ?? 0) || 0;
  const exchange: HttpExchange = { journal, link, method, url, op };
  if (method === 'GET' || method === 'PUT' || method === 'POST' || method === 'DELETE') {
    journalHttpRequest({
      journal,
      link,
      dir: 'recv',
      headBytes: Buffer.byteLength(receivedHead(req, `${method} ${url} HTTP/${req.httpVersion}`), 'latin1'),
      contentBytes,
      dataBytes: opts.dataBytes ?? 0,
      method,
      url,
      op,
    });
  }
  return exchange;
}

/**
 * Who a caller without the lab's header is, from its User-Agent: `curl`, `browser`, else
 * `http-client` (the address is printed beside the name in `lab traffic` anyway).
 */
function agentName(agent: string | undefined): string {
  if (agent?.startsWith('curl/')) return 'curl';
  if (agent?.startsWith('Mozilla/')) return 'browser';
  return 'http-client';
}

/** Sends a whole response and journals it; the operation id goes back in OP_HEADER. */
export function sendHttpResponse(
  exchange: HttpExchange,
  res: http.ServerResponse,
  answer: { status: number; headers: Record<string, string | number>; body: Buffer; dataBytes?: number },
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(answer.status, {
    ...answer.headers,
    'content-length': answer.body.length,
    ...(exchange.op ? { [OP_HEADER]: exchange.op } : {}),
  });
  const head = sentHead(res, `HTTP/1.1 ${answer.status} ${http.STATUS_CODES[answer.status] ?? ''}`);
  res.end(answer.body);
  journalHttpResponse({
    journal: exchange.journal,
    link: exchange.link,
    dir: 'send',
    headBytes: Buffer.byteLength(head, 'latin1'),
    contentBytes: answer.body.length,
    dataBytes: answer.dataBytes ?? 0,
    raw: rawStart(head, answer.body),
    status: answer.status,
    op: exchange.op,
  });
}

/**
 * Streams a response whose body is produced as it goes (a WebHDFS OPEN's file bytes) and journals
 * it once the last byte is written; `dataBytes` of the frame are the file bytes. A failure after
 * the head went out cuts the connection, as Hadoop's DataNode does, since the status is sent.
 */
export async function sendHttpStream(
  exchange: HttpExchange,
  res: http.ServerResponse,
  answer: { status: number; headers: Record<string, string | number>; chunks: AsyncIterable<Buffer> },
): Promise<number> {
  res.writeHead(answer.status, {
    ...answer.headers,
    ...(exchange.op ? { [OP_HEADER]: exchange.op } : {}),
  });
  let sent = 0;
  try {
    for await (const chunk of answer.chunks) {
      sent += chunk.length;
      if (!res.write(chunk)) {
        await new Promise<void>((resolve, reject) => {
          const onClose = (): void => reject(new Error('the HTTP client went away'));
          res.once('close', onClose);
          res.once('drain', () => {
            res.off('close', onClose);
            resolve();
          });
        });
      }
    }
  } catch (err) {
    res.destroy();
    throw err;
  }
  const head = sentHead(res, `HTTP/1.1 ${answer.status} ${http.STATUS_CODES[answer.status] ?? ''}`);
  res.end();
  journalHttpResponse({
    journal: exchange.journal,
    link: exchange.link,
    dir: 'send',
    headBytes: Buffer.byteLength(head, 'latin1'),
    contentBytes: sent,
    dataBytes: sent,
    raw: rawStart(head, null),
    status: answer.status,
    op: exchange.op,
  });
  return sent;
}

// ---------------------------------------------------------------------------------------------
// Client side
// ---------------------------------------------------------------------------------------------

export interface HttpCallOptions {
  journal: Journal;
  selfId: string;
  peerId: string;
  host: string;
  port: number;
  method: HttpMethod;
  /** Path and query, `/imagetransfer?getimage=1&txid=9`. */
  url: string;
  headers?: Record<string, string>;
  body?: Buffer | null;
  /** Image bytes the request body carries (a PUT of an image). */
  dataBytes?: number;
  /** How many of a response's bytes are image or edits payload. */
  responseDataBytes?: (status: number, body: Buffer) => number;
  op?: string | undefined;
  timeoutMs: number;
  localAddress?: string | undefined;
}

export interface HttpCallResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export class HttpTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpTimeoutError';
  }
}

/** One request and its whole response, both journaled by this end. */
export async function httpCall(opts: HttpCallOptions): Promise<HttpCallResult> {
  try {
    return await httpAttempt(opts);
  } catch (err) {
    // Node's agent keeps connections alive; a server closing an idle one just as the agent reuses
    // it resets a request the server never read. Node's docs: retry such a request once.
    if (!(err instanceof StaleSocketError)) throw err;
    return httpAttempt(opts);
  }
}

/** A request that failed on a kept-alive socket the server had already closed (never read). */
class StaleSocketError extends Error {
  override readonly name = 'StaleSocketError';
}

function httpAttempt(opts: HttpCallOptions): Promise<HttpCallResult> {
  const body = opts.body ?? null;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: opts.host,
        port: opts.port,
        method: opts.method,
        path: opts.url,
        headers: {
          ...opts.headers,
          [CALLER_HEADER]: opts.selfId,
          ...(opts.op ? { [OP_HEADER]: opts.op } : {}),
          ...(body
            ? { 'content-length': String(body.length), 'content-type': 'application/octet-stream' }
            : {}),
        },
        timeout: opts.timeoutMs,
        ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
      },
      (res) => {
        // The socket goes back to the agent when the body ends: take the addresses now.
        const link = linkOfSocket(res.socket, 'client', { clientId: opts.selfId, serverId: opts.peerId });
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const result = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
          const startLine = `HTTP/${res.httpVersion} ${result.status} ${res.statusMessage ?? ''}`;
          journalHttpResponse({
            journal: opts.journal,
            link,
            dir: 'recv',
            headBytes: Buffer.byteLength(receivedHead(res, startLine), 'latin1'),
            contentBytes: result.body.length,
            dataBytes: opts.responseDataBytes?.(result.status, result.body) ?? 0,
            status: result.status,
            op: opts.op ?? headerText(res.headers[OP_HEADER]),
          });
          resolve(result);
        });
      },
    );
    // The request is journaled once the socket is up: its local port is part of the conn id.
    req.once('socket', (socket) => {
      const journalSend = (): void => {
        const head = sentHead(req, `${opts.method} ${opts.url} HTTP/1.1`);
        journalHttpRequest({
          journal: opts.journal,
          link: linkOfSocket(socket, 'client', { clientId: opts.selfId, serverId: opts.peerId }),
          dir: 'send',
          headBytes: Buffer.byteLength(head, 'latin1'),
          contentBytes: body?.length ?? 0,
          dataBytes: opts.dataBytes ?? 0,
          raw: rawStart(head, body),
          method: opts.method,
          url: opts.url,
          op: opts.op,
        });
      };
      if (socket.remotePort !== undefined && !socket.connecting) journalSend();
      else socket.once('connect', journalSend);
    });
    req.on('timeout', () =>
      req.destroy(new HttpTimeoutError(`${opts.method} ${opts.url} timed out after ${opts.timeoutMs} ms`)),
    );
    let answered = false;
    req.once('response', () => {
      answered = true;
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!answered && req.reusedSocket && (err.code === 'ECONNRESET' || err.message === 'socket hang up'))
        reject(new StaleSocketError(err.message, { cause: err }));
      else reject(err);
    });
    req.end(body ?? undefined);
  });
}
