/**
 * The pages every daemon's HTTP server has beside its own, as HttpServer2 adds them to every
 * Hadoop daemon: `/conf` (ConfServlet: the daemon's effective configuration, XML or JSON, each
 * property with its source) and `/stacks` (./process-info.ts: what Node can honestly show in place
 * of a thread dump). Used by the NameNode, DataNode and Secondary NameNode servers.
 */
import { confAnswer, confFormat } from '../config/conf-dump.js';
import type { LabConfig } from '../config/config.js';
import { stacksText } from './process-info.js';

export const CONF_PATH = '/conf';
export const STACKS_PATH = '/stacks';

export interface DaemonPage {
  status: number;
  contentType: string;
  body: string;
}

/** The answer for `/conf` or `/stacks`, or undefined for any other path. Only GET is served. */
export function daemonPage(
  req: { method?: string; headers: Record<string, string | string[] | undefined> },
  url: URL,
  opts: { daemon: string; config: LabConfig },
): DaemonPage | undefined {
  if (url.pathname !== CONF_PATH && url.pathname !== STACKS_PATH) return undefined;
  const plain = 'text/plain; charset=utf-8';
  if (req.method !== 'GET') {
    return {
      status: 405,
      contentType: plain,
      body: `HTTP method ${req.method ?? '?'} is not supported by this URL\n`,
    };
  }
  if (url.pathname === STACKS_PATH) return { status: 200, contentType: plain, body: stacksText(opts.daemon) };
  const accept = req.headers.accept;
  const format = confFormat(
    Array.isArray(accept) ? accept.join(',') : accept,
    url.searchParams.get('format'),
  );
  if (format !== 'xml' && format !== 'json') return { status: 400, contentType: plain, body: `${format}\n` };
  return confAnswer(opts.config.entries(), format, url.searchParams.get('name'));
}
