/**
 * The gateway's request body limit, like the body size limit in front of a
 * hosted Supabase project: a body over the limit is answered 413 before it
 * reaches PostgREST, auth or a function. The limit is the largest valid push
 * (PUSH_REQUEST_BYTES from core), so no real client is ever refused.
 */
import type http from 'node:http';
import { PUSH_REQUEST_BYTES } from '@gstack/core';

export const MAX_BODY_BYTES = PUSH_REQUEST_BYTES;

function tooLarge(res: http.ServerResponse, maxBytes: number): void {
  if (res.headersSent) return void res.end();
  res.writeHead(413, { 'content-type': 'application/json', connection: 'close', 'access-control-allow-origin': '*' });
  res.end(JSON.stringify({ message: 'Request body too large', hint: `The gateway takes at most ${maxBytes} bytes per request.` }));
}

/**
 * Answers 413 and returns false when the declared length is over the limit; for
 * a body without a length (chunked), counts as it streams and cuts it off at the limit.
 */
export function enforceBodyLimit(req: http.IncomingMessage, res: http.ServerResponse, maxBytes = MAX_BODY_BYTES): boolean {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    tooLarge(res, maxBytes);
    req.resume();
    return false;
  }
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding']) {
    let seen = 0;
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) {
        tooLarge(res, maxBytes);
        req.destroy();
      }
    });
  }
  return true;
}
