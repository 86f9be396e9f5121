/**
 * A local Slack incoming-webhook receiver. It answers like Slack (`ok`,
 * `invalid_payload`, `no_text`), appends every accepted payload to
 * `<data dir>/slack-sink/messages.jsonl` and prints a one-line summary, so
 * demos and tests see exactly what Slack would get. Any path works as a
 * webhook URL; `GET /` shows what arrived as a readable page, `GET
 * /messages[?path=…]` as JSON. For tests, `POST /_sink/fail` with
 * `{"path", "status"?, "retry_after"?, "count"?}` makes the next `count`
 * posts to `path` answer `status` (default 429 with `Retry-After`), and `GET
 * /_sink/rejections[?path=…]` lists the posts answered that way.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { renderSinkPage } from './slack-sink-page.ts';

export interface SlackMessage {
  received_at: string;
  path: string;
  payload: Record<string, unknown>;
}

export interface SlackSinkOptions {
  dataDir: string;
  log: (line: string) => void;
}

/** The headline a person would see first: the header block, else the fallback text. */
export function summarize(payload: Record<string, unknown>): string {
  const blocks = Array.isArray(payload.blocks) ? (payload.blocks as Array<Record<string, unknown>>) : [];
  const header = blocks.find((b) => b.type === 'header')?.text as { text?: unknown } | undefined;
  const text = typeof header?.text === 'string' ? header.text : typeof payload.text === 'string' ? payload.text : '(no text)';
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 120 ? `${oneLine.slice(0, 117)}...` : oneLine;
}

export function createSlackSink(options: SlackSinkOptions): http.Server {
  const dir = path.join(options.dataDir, 'slack-sink');
  const file = path.join(dir, 'messages.jsonl');
  // Appends are serialised so concurrent posts never interleave within a line.
  let writes: Promise<unknown> = mkdir(dir, { recursive: true });

  async function readAll(): Promise<SlackMessage[]> {
    await writes;
    const text = await readFile(file, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as SlackMessage);
  }

  const failures = new Map<string, { status: number; retryAfter: number; left: number }>();
  const rejections: Array<{ path: string; status: number; at: string }> = [];

  function control(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    if (req.method === 'GET' && url.pathname === '/_sink/rejections') {
      const only = url.searchParams.get('path');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rejections.filter((r) => !only || r.path === only)));
      return;
    }
    if (req.method !== 'POST' || url.pathname !== '/_sink/fail') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('unknown sink control path');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const rule = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          path?: unknown;
          status?: unknown;
          retry_after?: unknown;
          count?: unknown;
        };
        if (typeof rule.path !== 'string' || !rule.path.startsWith('/')) throw new Error('path: expected a webhook path starting with /');
        const status = rule.status === undefined ? 429 : Number(rule.status);
        const retryAfter = rule.retry_after === undefined ? 1 : Number(rule.retry_after);
        const left = rule.count === undefined ? 1 : Number(rule.count);
        if (![status, retryAfter, left].every((n) => Number.isInteger(n) && n >= 0))
          throw new Error('status, retry_after, count: expected whole numbers');
        failures.set(rule.path, { status, retryAfter, left });
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ path: rule.path, status, retry_after: retryAfter, count: left }));
      } catch (error) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end((error as Error).message);
      }
    });
  }

  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sink');
    if (url.pathname.startsWith('/_sink/')) return control(req, res, url);
    if (req.method === 'GET' && url.pathname === '/') {
      void readAll().then((messages) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(renderSinkPage(messages));
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/messages') {
      const only = url.searchParams.get('path');
      void readAll().then((messages) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(only ? messages.filter((m) => m.path === only) : messages));
      });
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { 'content-type': 'text/plain' }).end('method_not_allowed');
      return;
    }
    const failure = failures.get(url.pathname);
    if (failure && failure.left > 0) {
      failure.left -= 1;
      rejections.push({ path: url.pathname, status: failure.status, at: new Date().toISOString() });
      req.resume();
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (failure.status === 429) headers['retry-after'] = String(failure.retryAfter);
      res.writeHead(failure.status, headers).end(failure.status === 429 ? 'rate_limited' : 'failure');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let payload: Record<string, unknown>;
      try {
        // Slack also accepts a form field `payload=<json>`.
        const json = (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')
          ? (new URLSearchParams(raw).get('payload') ?? '')
          : raw;
        payload = JSON.parse(json) as Record<string, unknown>;
        if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new Error('not an object');
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
        return;
      }
      if (typeof payload.text !== 'string' && !Array.isArray(payload.blocks)) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('no_text');
        return;
      }
      const message: SlackMessage = { received_at: new Date().toISOString(), path: url.pathname, payload };
      writes = writes.then(() => appendFile(file, `${JSON.stringify(message)}\n`));
      void writes.then(() => {
        options.log(`[slack] ${url.pathname}: ${summarize(payload)}`);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
  });
}
