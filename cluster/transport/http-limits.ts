/**
 * How every HTTP server of the lab binds (HDFS's port, or any free one when it is taken) and the
 * bounds it applies (values in limits.ts): idle connections closed after
 * hadoop.http.idle_timeout.ms, headers due within a deadline, and a cap on connections. Node bounds a request's headers (16 KiB) itself; a handler that reads a body
 * bounds it where it reads it (the image upload, IMAGE_UPLOAD_BYTES_MAX).
 */
import type http from 'node:http';
import type net from 'node:net';
import { HTTP_CONNECTIONS_MAX, HTTP_HEADERS_TIMEOUT_MS, HTTP_IDLE_TIMEOUT_MS } from '../protocol/limits.js';

/**
 * Applies the bounds to `server`. `requestTimeoutMs` is the longest a whole request may take (a
 * checkpoint's image transfer, a forced checkpoint); it must not be shorter than the headers' deadline.
 */
export function limitHttpServer(server: http.Server, options: { requestTimeoutMs?: number } = {}): void {
  server.maxConnections = HTTP_CONNECTIONS_MAX;
  server.timeout = HTTP_IDLE_TIMEOUT_MS;
  server.keepAliveTimeout = Math.min(server.keepAliveTimeout, HTTP_IDLE_TIMEOUT_MS);
  if (options.requestTimeoutMs !== undefined) server.requestTimeout = options.requestTimeoutMs;
  server.headersTimeout = Math.min(
    HTTP_HEADERS_TIMEOUT_MS,
    server.requestTimeout > 0 ? server.requestTimeout : HTTP_HEADERS_TIMEOUT_MS,
  );
}

/** Stops `server` at once: open connections (idle keep-alives too) are closed, not waited for. */
export function closeHttpServer(server: http.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** Binds `port`, or any free port when it is taken (another lab, a real Hadoop). */
export async function listenWithFallback(server: net.Server, host: string, port: number): Promise<number> {
  const listen = (p: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port: p, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen(port);
  } catch (err) {
    // 9870 taken (another lab or a real Hadoop): any free port will do, the address file records it.
    if (port === 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    await listen(0);
  }
  return (server.address() as net.AddressInfo).port;
}
