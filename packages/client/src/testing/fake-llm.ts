/**
 * Real HTTP servers on loopback that speak the OpenAI chat-completions and the
 * Anthropic Messages protocols with scripted answers, for tests. They record
 * every request (path, headers, JSON body, arrival time) and can answer the
 * warm probes (Ollama's `GET /api/ps`, or llama-swap's `GET /v1/models`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: {
    model: string;
    messages: Array<{ role: string; content: string }>;
    system?: string;
    /** Sampling options and anything else the client sent. */
    [field: string]: unknown;
  };
  at: number;
}

export interface ScriptedReply {
  /** The answer text. */
  text?: string;
  /** Answer with this status and `error` instead. */
  status?: number;
  error?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (for timeouts). */
  delayMs?: number;
  /** cacheWrite1h: of cacheWrite, the tokens written to Anthropic's 1-hour cache. */
  usage?: { input?: number; output?: number; cacheRead?: number; cacheWrite?: number; cacheWrite1h?: number };
  /** An API-reported cost (OpenAI-compatible `usage.cost`). */
  cost?: number;
}

export type Script = (request: FakeRequest, index: number) => ScriptedReply;

/**
 * The fake's embedding of a text: how often each letter a–z occurs. Texts with the same
 * letters score a cosine of 1; a test can compute any expected similarity by hand.
 */
export function letterVector(text: string): number[] {
  const v = new Array<number>(26).fill(0);
  for (const c of text.toLowerCase()) {
    const i = c.charCodeAt(0) - 97;
    if (i >= 0 && i < 26) v[i] = (v[i] ?? 0) + 1;
  }
  return v;
}

export class FakeLlmServer {
  readonly requests: FakeRequest[] = [];
  /** Bodies of POST /v1/embeddings (answered with letterVector). */
  readonly embeddingRequests: Array<{ model: string; input: string[] }> = [];
  /** Models the warm probe reports as loaded. */
  loaded: string[] = [];
  /** Which warm probe the server answers: Ollama's /api/ps, or llama-swap's /v1/models (not /api/ps, not /running). */
  probe: 'ollama' | 'llama-swap-models' = 'ollama';
  private server?: http.Server;
  private readonly sockets = new Set<import('node:net').Socket>();

  constructor(
    readonly protocol: 'openai' | 'anthropic',
    public script: Script,
  ) {}

  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the fake server is not started');
    const port = address.port;
    return `http://127.0.0.1:${port}`;
  }

  /** Requests for one model. */
  callsTo(model: string): FakeRequest[] {
    return this.requests.filter((r) => r.body.model === model);
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void this.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<void> {
    if (req.method === 'GET' && req.url === '/api/ps' && this.probe === 'ollama') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ models: this.loaded.map((name) => ({ name, model: name })) }));
      return;
    }
    if (req.method === 'GET' && req.url === '/v1/models' && this.probe === 'llama-swap-models') {
      // llama-swap lists every configured model; `state` says which are loaded.
      const configured = [...this.loaded, 'configured-but-unloaded'];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          data: configured.map((id) => ({ id, object: 'model', state: this.loaded.includes(id) ? 'ready' : 'stopped' })),
        }),
      );
      return;
    }
    if (req.method === 'POST' && req.url === '/v1/embeddings' && this.protocol === 'openai') {
      const body = JSON.parse(raw) as { model: string; input: string[] };
      this.embeddingRequests.push(body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          data: body.input.map((text, index) => ({ object: 'embedding', index, embedding: letterVector(text) })),
          model: body.model,
          usage: { prompt_tokens: body.input.length * 4, total_tokens: body.input.length * 4 },
        }),
      );
      return;
    }
    const expected = this.protocol === 'openai' ? '/v1/chat/completions' : '/v1/messages';
    if (req.method !== 'POST' || req.url !== expected) {
      res.writeHead(404).end();
      return;
    }
    const request: FakeRequest = { path: req.url, headers: req.headers, body: JSON.parse(raw), at: Date.now() };
    const index = this.requests.push(request) - 1;
    const reply = this.script(request, index);
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.destroyed) return;
    if (reply.status && reply.status >= 400) {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(
        JSON.stringify(
          this.protocol === 'openai'
            ? { error: { message: reply.error ?? 'error' } }
            : { type: 'error', error: { type: 'api_error', message: reply.error ?? 'error' } },
        ),
      );
      return;
    }
    const u = { input: 10, output: 5, cacheRead: 0, cacheWrite: 0, ...reply.usage };
    const body =
      this.protocol === 'openai'
        ? {
            id: `chatcmpl-${index}`,
            object: 'chat.completion',
            model: request.body.model,
            choices: [{ index: 0, message: { role: 'assistant', content: reply.text ?? '' }, finish_reason: 'stop' }],
            usage: {
              prompt_tokens: u.input + u.cacheRead,
              completion_tokens: u.output,
              total_tokens: u.input + u.cacheRead + u.output,
              prompt_tokens_details: { cached_tokens: u.cacheRead },
              ...(reply.cost !== undefined ? { cost: reply.cost } : {}),
            },
          }
        : {
            id: `msg_${index}`,
            type: 'message',
            role: 'assistant',
            model: request.body.model,
            content: [{ type: 'text', text: reply.text ?? '' }],
            stop_reason: 'end_turn',
            usage: {
              input_tokens: u.input,
              output_tokens: u.output,
              cache_read_input_tokens: u.cacheRead,
              cache_creation_input_tokens: u.cacheWrite,
              ...(u.cacheWrite1h !== undefined
                ? {
                    cache_creation: { ephemeral_5m_input_tokens: u.cacheWrite - u.cacheWrite1h, ephemeral_1h_input_tokens: u.cacheWrite1h },
                  }
                : {}),
            },
          };
    res.writeHead(200, { 'content-type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(body));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The last user message of a request (where the ladder appends prior feedback). */
export function lastUserText(request: FakeRequest): string {
  return [...request.body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

/** True for verifier calls (they ask for {accept, feedback}). */
export function isVerifierCall(request: FakeRequest): boolean {
  return lastUserText(request).includes('"accept"');
}

/** True for judge calls (they ask for {pass, score, reason}). */
export function isJudgeCall(request: FakeRequest): boolean {
  return lastUserText(request).includes('"pass"');
}
