/**
 * The learning pages' HTTP server (`lab web`): loopback only, GET only, on the lab side — the
 * daemons never read the journal for a viewer (docs/ARCHITECTURE.md). `/lab/trace`,
 * `/lab/topology` and `/lab/progress` are whole pages (`?part=main`: their content alone);
 * `/lab/events` is a server-sent event stream that says `change` when the journal, the progress or
 * cluster.json changed, so open pages redraw themselves. The bound address is written to
 * `<home>/lab-web.address` (the NameNode's web UI links to the pages while it is there) and
 * removed on close.
 */
import http from 'node:http';
import { removeLabWebAddress, writeLabWebAddress } from '../../cluster/home/lab-web-address.js';
import { LAB_WEB_CHANGE_POLL_MS, LAB_WEB_EVENT_STREAMS_MAX } from '../../cluster/protocol/limits.js';
import { closeHttpServer, limitHttpServer, listenWithFallback } from '../../cluster/transport/http-limits.js';
import {
  LAB_PAGES,
  renderProgressMain,
  renderShell,
  renderTopologyMain,
  renderTraceMain,
  traceQueryOf,
  type LabPage,
} from './pages.js';
import { changeStamp, labWebSources, type LabWebSources } from './sources.js';

export interface LabWebServer {
  /** `host:port` as bound. */
  address: string;
  /** The first page's URL. */
  url: string;
  close(): Promise<void>;
}

/** Change streams answer a comment this often when nothing changed, so idle sockets stay open. */
const KEEPALIVE_TICKS = 15;

interface Answer {
  status: number;
  contentType: string;
  body: string;
  location?: string;
}

const HTML = 'text/html; charset=utf-8';
const TEXT = 'text/plain; charset=utf-8';

function pageMain(page: LabPage, url: URL, sources: LabWebSources): Answer {
  if (page === 'trace') {
    const query = traceQueryOf(url.searchParams);
    if ('error' in query) return { status: 400, contentType: TEXT, body: `lab web: ${query.error}\n` };
    return { status: 200, contentType: HTML, body: renderTraceMain(sources.journal(), query) };
  }
  if (page === 'topology')
    return { status: 200, contentType: HTML, body: renderTopologyMain(sources.description()) };
  return { status: 200, contentType: HTML, body: renderProgressMain(sources.progress()) };
}

/** The answer to a GET of `url` (everything but the event stream). */
export function answer(url: URL, sources: LabWebSources): Answer {
  if (url.pathname === '/' || url.pathname === '/lab' || url.pathname === '/lab/') {
    return { status: 302, contentType: TEXT, body: '', location: '/lab/trace' };
  }
  const page = /^\/lab\/(\w+)$/.exec(url.pathname)?.[1];
  if (page === undefined || !(page in LAB_PAGES)) {
    const known = Object.keys(LAB_PAGES).map((p) => `/lab/${p}`);
    return {
      status: 404,
      contentType: TEXT,
      body: `lab web: no page ${url.pathname}; the pages are ${known.join(', ')}\n`,
    };
  }
  const main = pageMain(page as LabPage, url, sources);
  if (main.status !== 200 || url.searchParams.get('part') === 'main') return main;
  const namenodeHttpAddress = sources.namenodeHttpAddress();
  return {
    ...main,
    body: renderShell(page as LabPage, main.body, namenodeHttpAddress ? { namenodeHttpAddress } : {}),
  };
}

/** The open change streams and the poll that feeds them. */
class ChangeStreams {
  private readonly streams = new Set<http.ServerResponse>();
  private stamp: string;
  private ticks = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly home: string) {
    this.stamp = changeStamp(home);
    this.timer = setInterval(() => this.poll(), LAB_WEB_CHANGE_POLL_MS);
    this.timer.unref();
  }

  open(res: http.ServerResponse): void {
    if (this.streams.size >= LAB_WEB_EVENT_STREAMS_MAX) {
      res.writeHead(503, { 'content-type': TEXT });
      res.end(`lab web: ${LAB_WEB_EVENT_STREAMS_MAX} pages are open already; close one\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write('retry: 2000\n\n');
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
  }

  private poll(): void {
    if (this.streams.size === 0) return;
    const stamp = changeStamp(this.home);
    this.ticks += 1;
    let message: string | undefined;
    if (stamp !== this.stamp) message = `event: change\ndata: ${stamp}\n\n`;
    else if (this.ticks % KEEPALIVE_TICKS === 0) message = ': nothing changed\n\n';
    this.stamp = stamp;
    if (message !== undefined) for (const res of this.streams) res.write(message);
  }

  close(): void {
    clearInterval(this.timer);
    for (const res of this.streams) res.end();
    this.streams.clear();
  }
}

/** Starts the server on `host` (loopback) and `port` (0: any free one) and publishes its address. */
export async function startLabWeb(opts: {
  home: string;
  host?: string;
  port?: number;
  /** The packs whose points the progress page counts (default: the shipped ones). */
  packsDir?: string;
}): Promise<LabWebServer> {
  const host = opts.host ?? '127.0.0.1';
  const sources = labWebSources(opts.home, opts.packsDir);
  const streams = new ChangeStreams(opts.home);
  const server = http.createServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://lab-web');
    if (req.method !== 'GET') {
      res.writeHead(405, { 'content-type': TEXT, allow: 'GET' });
      res.end('lab web: the learning pages are read-only (GET)\n');
      return;
    }
    if (url.pathname === '/lab/events') return streams.open(res);
    let reply: Answer;
    try {
      reply = answer(url, sources);
    } catch (error) {
      reply = { status: 500, contentType: TEXT, body: `lab web: ${(error as Error).message}\n` };
    }
    res.writeHead(reply.status, {
      'content-type': reply.contentType,
      'cache-control': 'no-store',
      ...(reply.location ? { location: reply.location } : {}),
    });
    res.end(reply.body);
  });
  limitHttpServer(server);
  const port = await listenWithFallback(server, host, opts.port ?? 0);
  const address = `${host}:${port}`;
  writeLabWebAddress(opts.home, address, process.pid);
  return {
    address,
    url: `http://${address}/lab/`,
    close: async () => {
      removeLabWebAddress(opts.home, process.pid);
      streams.close();
      await closeHttpServer(server);
    },
  };
}
