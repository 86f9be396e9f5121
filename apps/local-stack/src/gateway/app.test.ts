/** The gateway's listener while the stack starts: every request waits with 503 and Retry-After. */
import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, listen } from '../http-server.ts';
import { startingHandler } from './app.ts';

let server: http.Server;
let port = 0;

beforeAll(async () => {
  server = http.createServer(startingHandler());
  await listen(server, 0);
  port = (server.address() as net.AddressInfo).port;
});

afterAll(() => closeServer(server));

describe('the gateway before the stack is ready', () => {
  it('answers 503 with Retry-After to any path and method', async () => {
    for (const [path, method] of [
      ['/rest/v1/teams', 'GET'],
      ['/auth/v1/token?grant_type=password', 'POST'],
    ] as const) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, body: method === 'POST' ? '{}' : undefined });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toEqual({ message: 'the stack is starting' });
    }
  });
});
