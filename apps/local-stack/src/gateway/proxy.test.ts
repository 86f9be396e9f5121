/**
 * The gateway's proxy and its keep-alive pool. The upstream here behaves
 * like a server whose keep-alive timeout ends just as the next request
 * arrives on a pooled connection (PostgREST after idling, Deno after its
 * own idle close): it answers the first request on each connection and
 * closes the connection when a second one comes, without answering. A
 * request that lands on such a socket must still get its answer.
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyRequest } from './proxy.ts';

let upstream: net.Server;
let gateway: http.Server;
let upstreamPort = 0;
let gatewayPort = 0;
const seen: string[] = [];

function listening(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

beforeAll(async () => {
  upstream = net.createServer((socket) => {
    let served = 0;
    let buffer = '';
    socket.on('data', (data) => {
      buffer += data.toString('latin1');
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffer.slice(0, end);
        const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        const body = buffer.slice(end + 4, end + 4 + length);
        buffer = buffer.slice(end + 4 + length);
        if (served > 0) {
          // The idle timeout fired as this request arrived: the connection closes unanswered.
          socket.destroy();
          return;
        }
        served += 1;
        seen.push(`${head.split('\r\n')[0]} ${body}`);
        const answer = `ok:${body}`;
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${answer.length}\r\n\r\n${answer}`);
      }
    });
    socket.on('error', () => {});
  });
  upstreamPort = await listening(upstream);
  gateway = http.createServer((req, res) => proxyRequest(req, res, upstreamPort, req.url ?? '/'));
  gatewayPort = await listening(gateway);
});

afterAll(async () => {
  gateway.closeAllConnections();
  await new Promise((r) => gateway.close(r));
  await new Promise((r) => upstream.close(r));
});

async function call(method: string, body?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${gatewayPort}/rpc/x`, { method, body });
  return { status: res.status, text: await res.text() };
}

describe('gateway proxy over a pooled connection the upstream closed', () => {
  it('answers every request: retries once on a fresh connection, body included', async () => {
    expect(await call('POST', 'one')).toEqual({ status: 200, text: 'ok:one' });
    // The pooled socket is reused and closed by the upstream: the proxy must not answer 502.
    expect(await call('POST', 'two')).toEqual({ status: 200, text: 'ok:two' });
    expect(await call('GET')).toEqual({ status: 200, text: 'ok:' });
    expect(seen).toEqual(['POST /rpc/x HTTP/1.1 one', 'POST /rpc/x HTTP/1.1 two', 'GET /rpc/x HTTP/1.1 ']);
  });

  it('still answers 502 when the upstream is down', async () => {
    const closed = net.createServer();
    const port = await listening(closed);
    await new Promise((r) => closed.close(r));
    const down = http.createServer((req, res) => proxyRequest(req, res, port, '/'));
    const downPort = await listening(down);
    const res = await fetch(`http://127.0.0.1:${downPort}/`);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ message: expect.stringContaining('Upstream error: connect ECONNREFUSED') });
    down.closeAllConnections();
    await new Promise((r) => down.close(r));
  });
});
