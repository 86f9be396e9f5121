/**
 * The gateway's proxy to PostgREST and the functions, on node's own request
 * and response objects (no web-stream conversion on the hot path): the body
 * is read once, at most its route's limit (413 above), the upstream's
 * answer is streamed back as it arrives, over a keep-alive pool.
 */
import http from 'node:http';
import { MAX_BODY_BYTES, tooLargeBody } from './body-limit.ts';
import { CORS_HEADERS } from './cors.ts';
import { GatewayError } from './errors.ts';

/**
 * The gateway's keep-alive pool to PostgREST and the functions. Its own idle
 * timeout (2 s) is far below the upstreams' (PostgREST/Warp closes idle
 * connections after 30 s; Deno's server can close any time), so a pooled
 * socket is normally ours to close. The race remains — an upstream may close
 * a socket just as a request is written to it — so `forward` retries
 * such a request once on a fresh connection.
 */
export const upstreamAgent = new http.Agent({ keepAlive: true, timeout: 2000, scheduling: 'lifo' });

/** A reused keep-alive socket the upstream had already closed: the request never reached it. */
function staleSocketError(upstream: http.ClientRequest, error: NodeJS.ErrnoException): boolean {
  return upstream.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
}

/**
 * Reads the request body, refusing (GatewayError 413) once it passes `maxBytes`.
 * Kept whole so a request can be sent again when a pooled socket turns out to be
 * closed; the limit bounds what that costs. A declared length over the limit is
 * refused earlier, by the bodyLimit middleware, without reading anything.
 */
export function readBody(req: http.IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let seen = 0;
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen <= maxBytes) return void chunks.push(chunk);
      req.off('data', onData);
      req.off('end', onEnd);
      // Stop reading: the 413 goes out with `connection: close`, which ends the socket.
      req.pause();
      reject(new GatewayError(413, tooLargeBody(maxBytes), { connection: 'close' }));
    };
    const onEnd = () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', (error) => reject(new GatewayError(400, { message: `Could not read the request body: ${error.message}` })));
  });
}

function sendError(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json', ...CORS_HEADERS });
  res.end(JSON.stringify(body));
}

/**
 * X-Forwarded-For as Kong sends it: the client's header with the address the gateway saw appended,
 * so the rightmost entry is the one a client cannot forge (the dashboard function reads it).
 */
function forwardedFor(req: http.IncomingMessage): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  const prior = req.headers['x-forwarded-for'];
  const chain = Array.isArray(prior) ? prior.join(', ') : prior;
  return chain ? `${chain}, ${peer}` : peer;
}

/**
 * Sends `body` to 127.0.0.1:`port` with the request's method and headers
 * (`authorization` replaced when given) and streams the answer to `res`.
 */
export function forward(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  port: number,
  pathAndQuery: string,
  body: Buffer,
  authorization?: string,
): void {
  const headers = { ...req.headers, host: `127.0.0.1:${port}`, 'x-forwarded-for': forwardedFor(req) };
  if (authorization !== undefined) headers.authorization = authorization;
  const send = (mayRetry: boolean): void => {
    const upstream = http.request(
      { host: '127.0.0.1', port, method: req.method, path: pathAndQuery, headers, agent: upstreamAgent },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, { ...upstreamRes.headers, ...CORS_HEADERS });
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (mayRetry && !res.headersSent && staleSocketError(upstream, error)) return send(false);
      sendError(res, 502, { message: `Upstream error: ${error.message}` });
    });
    upstream.end(body);
  };
  send(true);
}

/** Reads the body and forwards the request (a 413 or unreadable body is answered here). */
export async function proxyRequest(req: http.IncomingMessage, res: http.ServerResponse, port: number, pathAndQuery: string): Promise<void> {
  try {
    forward(req, res, port, pathAndQuery, await readBody(req));
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    sendError(res, error.status, error.body);
  }
}
