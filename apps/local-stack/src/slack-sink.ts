/**
 * A local Slack incoming-webhook receiver. It answers like Slack (`ok`,
 * `invalid_payload`, `no_text`), appends every accepted payload to
 * `<data dir>/slack-sink/messages.jsonl` and prints a one-line summary, so
 * demos and tests see exactly what Slack would get. Any path works as a
 * webhook URL; `GET /messages[?path=…]` lists what arrived.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';

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

  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sink');
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
