/** Listening and closing for the stack's in-process HTTP servers (gateway, Slack sink). */
import type http from 'node:http';

/** Listens on 127.0.0.1:`port`; rejects when the port is taken. */
export function listen(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops listening and drops open (keep-alive) connections. */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
