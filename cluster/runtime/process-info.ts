/**
 * What a daemon can say about its own process over HTTP, where Hadoop's daemons serve the JVM's:
 *   - `/stacks` (HttpServer2.StackServlet prints every Java thread's stack): Node runs JavaScript
 *     on one thread and has no thread dump. The lab prints what is true instead, from
 *     process.report: the JavaScript thread's stack at the moment of the request (the request
 *     handler itself: the event loop is between callbacks the rest of the time), the worker
 *     threads, and the event loop's handles — each open TCP socket with its two ends, timers,
 *     signals — which answer the question a thread dump usually answers ("what is it waiting on?").
 *   - `java.lang:type=Runtime` and `java.lang:type=Memory` for `/jmx` (RuntimeMXBean,
 *     MemoryMXBean), filled from Node's process and V8 heap figures; see docs/http.md for how each
 *     attribute maps.
 * Reads the process only: no environment variables are printed.
 */
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import type { JmxBean } from '../namenode/jmx.js';

/** The version every daemon reports (NameNodeInfo.SoftwareVersion, the DataNode's /jmx, the Secondary's page). */
export const SOFTWARE_VERSION = '3.3.6-lab';

/**
 * VersionInfoMXBean.getCompileInfo, `<date> by <user> from <branch>` (VersionInfo's build time in
 * yyyy-MM-dd'T'HH:mm'Z', who built it, the branch): the NameNode's and the Secondary's "Compiled"
 * row. The lab is compiled by `npm run build`, so the date is when this module's built file was
 * written; Hadoop says "Unknown" for what it cannot tell.
 */
export const COMPILE_INFO = `${buildDate()} by hdfs-lab from ${SOFTWARE_VERSION}`;

function buildDate(): string {
  try {
    return `${fs
      .statSync(fileURLToPath(import.meta.url))
      .mtime.toISOString()
      .slice(0, 16)}Z`;
  } catch {
    return 'Unknown';
  }
}

export const RUNTIME_BEAN = 'java.lang:type=Runtime';
export const MEMORY_BEAN = 'java.lang:type=Memory';

interface ReportEndpoint {
  ip4?: string;
  ip6?: string;
  port: number;
}

interface ReportHandle {
  type: string;
  is_active: boolean;
  is_referenced: boolean;
  localEndpoint?: ReportEndpoint | null;
  remoteEndpoint?: ReportEndpoint | null;
  repeat?: number;
  firesInMsFromNow?: number;
  signum?: number;
  fd?: number;
}

interface Report {
  header: { processId: number; threadId: number; nodejsVersion: string; commandLine: string[] };
  javascriptStack: { message: string; stack: string[] };
  libuv: ReportHandle[];
  workers: unknown[];
}

function report(): Report {
  // No reverse DNS for every socket's ends, and no network interfaces in the header.
  (process.report as { excludeNetwork?: boolean }).excludeNetwork = true;
  return process.report.getReport() as unknown as Report;
}

function endpoint(e: ReportEndpoint | null | undefined): string {
  if (!e) return '-';
  return `${e.ip4 ?? (e.ip6 ? `[${e.ip6}]` : '?')}:${e.port}`;
}

function describeHandle(h: ReportHandle): string {
  const state = `${h.is_active ? 'active' : 'inactive'}${h.is_referenced ? '' : ', unreferenced'}`;
  if (h.type === 'tcp') {
    const role = h.remoteEndpoint ? 'connection' : 'listening';
    return `tcp ${role} ${endpoint(h.localEndpoint)} -> ${endpoint(h.remoteEndpoint)} (fd ${h.fd ?? '?'}, ${state})`;
  }
  if (h.type === 'timer' && h.firesInMsFromNow !== undefined) {
    return `timer fires in ${h.firesInMsFromNow} ms${h.repeat ? `, every ${h.repeat} ms` : ''} (${state})`;
  }
  if (h.type === 'signal') return `signal ${h.signum ?? '?'} (${state})`;
  return `${h.type} (${state})`;
}

/** The body of `/stacks` for a daemon named `daemon` (nn, dn1, snn). */
export function stacksText(daemon: string): string {
  const r = report();
  const tcp = r.libuv.filter((h) => h.type === 'tcp');
  const others = r.libuv.filter((h) => h.type !== 'tcp' && h.is_active);
  const lines = [
    'Process Thread Dump: ',
    `${1 + r.workers.length} active threads`,
    `Thread ${r.header.threadId} (main, the JavaScript event loop of ${daemon}, pid ${r.header.processId}):`,
    '  State: RUNNABLE',
    '  Stack:',
    ...r.javascriptStack.stack.map((frame) => `    ${frame}`),
    '',
    'Node.js has no thread dump: a JavaScript process runs one thread, and what a Java thread would',
    'be blocked on is here an event-loop handle waiting for its callback. Open handles:',
    ...tcp.map((h) => `  ${describeHandle(h)}`),
    ...others.map((h) => `  ${describeHandle(h)}`),
    `(${tcp.length} tcp, ${others.length} other active handles; Node ${r.header.nodejsVersion})`,
  ];
  return `${lines.join('\n')}\n`;
}

/** java.lang:type=Runtime and java.lang:type=Memory as JMXJsonServlet lists them. */
export function processBeans(startedMs: number, nowMs: number): JmxBean[] {
  const memory = process.memoryUsage();
  const heap = v8.getHeapStatistics();
  const runtime: JmxBean = {
    name: RUNTIME_BEAN,
    modelerType: 'sun.management.RuntimeImpl',
    Name: `${process.pid}@${os.hostname()}`,
    Pid: process.pid,
    VmName: 'Node.js',
    VmVendor: 'OpenJS Foundation',
    VmVersion: process.version,
    SpecVersion: `V8 ${process.versions.v8}`,
    InputArguments: [...process.execArgv],
    StartTime: startedMs,
    Uptime: Math.max(0, nowMs - startedMs),
  };
  const mem: JmxBean = {
    name: MEMORY_BEAN,
    modelerType: 'sun.management.MemoryImpl',
    HeapMemoryUsage: {
      committed: memory.heapTotal,
      init: -1,
      max: heap.heap_size_limit,
      used: memory.heapUsed,
    },
    NonHeapMemoryUsage: {
      committed: Math.max(0, memory.rss - memory.heapTotal),
      init: -1,
      max: -1,
      used: memory.external,
    },
    ObjectPendingFinalizationCount: 0,
    Verbose: false,
  };
  return [runtime, mem];
}
