/**
 * The lab's HTTP client keeps connections alive (Node's agent does). When a server drops an idle
 * connection just as the client reuses it, the request was never read: it is sent again once on a
 * new connection, as Node's documentation advises (seen as "socket hang up" from /jmx under load).
 */
import http from 'node:http';
import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpCall } from '../../cluster/transport/http-journal.js';
import { Journal } from '../../cluster/transport/journal.js';

let server: http.Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

describe('httpCall', () => {
  it('resends once a request whose kept-alive connection the server had dropped', async () => {
    const requestsPerSocket = new Map<net.Socket, number>();
    let connections = 0;
    server = http.createServer((req, res) => {
      const n = (requestsPerSocket.get(req.socket) ?? 0) + 1;
      requestsPerSocket.set(req.socket, n);
      // The second request on a connection finds it closed, as an idle-timeout close would.
      if (n === 2) return req.socket.destroy();
      res.end(`answer ${n} on connection ${connections}`);
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const journal = new Journal(null, 'client');
    const call = () =>
      httpCall({
        journal,
        selfId: 'client',
        peerId: 'nn',
        host: '127.0.0.1',
        port,
        method: 'GET',
        url: '/jmx',
        timeoutMs: 5_000,
      });
    expect((await call()).body.toString()).toBe('answer 1 on connection 1');
    expect((await call()).body.toString()).toBe('answer 1 on connection 2');
    journal.close();
  });
});
