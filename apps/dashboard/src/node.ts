/**
 * The Node entry: serves the dashboard app with @hono/node-server. Used by
 * `npm start` (beside the local stack) and `gstack dashboard` (against any
 * Supabase URL). Node 20 has no global WebSocket, so supabase-js gets `ws`.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import WebSocket from 'ws';
import { createDashboardApp, type DashboardConfigInput } from './app.ts';

export interface RunningDashboard {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the dashboard on host:port (port 0: any free port) and resolves once it listens. */
export function startDashboard(options: DashboardConfigInput & { port?: number; host?: string }): Promise<RunningDashboard> {
  const { port = 0, host = '127.0.0.1', ...config } = options;
  const needsWs = typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'undefined';
  const app = createDashboardApp({ ...config, ...(needsWs ? { realtimeTransport: WebSocket } : {}) });
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => {
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`;
      resolve({
        url,
        port: info.port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
    server.once('error', reject);
  });
}
