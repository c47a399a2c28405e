/**
 * The bounds every HTTP server of the lab applies (issue 15, defect 6; values in limits.ts): idle
 * connections closed after hadoop.http.idle_timeout.ms, headers due within a deadline, and a cap
 * on connections. Node bounds a request's headers (16 KiB) itself; a handler that reads a body
 * bounds it where it reads it (the image upload, IMAGE_UPLOAD_BYTES_MAX).
 */
import type http from 'node:http';
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
