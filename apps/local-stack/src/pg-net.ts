/**
 * The pg_net background worker, for the stand-in in bootstrap.sql. `net.http_post`
 * and friends queue a row in `net.http_request_queue`; once the transaction commits
 * this worker sends it and writes `net._http_response` under the same id, as pg_net
 * does: no retries, a 5xx or a timeout is recorded, not repeated (the functions'
 * cron sweeps re-dispatch what was lost, on hosted Supabase as here).
 *
 * One difference, because here the edge runtime is part of the stack: when the
 * gateway says a function cannot start (503 BOOT_ERROR: Deno could not load its
 * code) or the stack is stopping, the request stays queued and that function's
 * requests back off (1 s doubling to 30 s) instead of failing one by one. The
 * cause is reported once, and once more when the function answers again.
 */
import pg from 'pg';

export interface NetWorkerOptions {
  dbUrl: string;
  log: (line: string) => void;
  /** Requests in flight at most (default 8). */
  concurrency?: number;
  /** How often the queue is polled besides the commit-time wake-up (default 1000 ms). */
  pollMs?: number;
}

export interface NetWorker {
  /** Stops sending; requests in flight are aborted and stay queued for the next start. */
  close(): Promise<void>;
}

interface QueuedRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer | null;
  timeout_milliseconds: number;
}

interface Hold {
  until: number;
  delayMs: number;
  cause: string;
}

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;
/** pg_net keeps responses for 6 hours. */
const RESPONSE_TTL = '6 hours';

/** The gateway's answer when the edge runtime, not the function, failed. */
async function runtimeUnavailable(res: Response): Promise<string | undefined> {
  if (res.status !== 503) return undefined;
  try {
    const body = (await res.clone().json()) as { code?: string; message?: string };
    if (body.code === 'BOOT_ERROR' || body.code === 'SHUTTING_DOWN') return body.message ?? body.code;
  } catch {
    // a function's own 503: an answer like any other
  }
  return undefined;
}

function functionName(url: string): string {
  return /\/functions\/v1\/([^/?]+)/.exec(url)?.[1] ?? url;
}

export async function startNetWorker(options: NetWorkerOptions): Promise<NetWorker> {
  const pool = new pg.Pool({ connectionString: options.dbUrl, max: 3, application_name: 'gstack pg_net worker' });
  const listener = new pg.Client({ connectionString: options.dbUrl, application_name: 'gstack pg_net listener' });
  const concurrency = options.concurrency ?? 8;
  const aborter = new AbortController();
  const inFlight = new Map<string, Promise<void>>();
  const holds = new Map<string, Hold>();
  let closing = false;
  // An idle connection the server ends (Postgres stopping, a terminated backend) is an 'error' on the
  // pool: without a listener it would crash the stack. The pool opens a new one when needed.
  pool.on('error', (error) => {
    if (!closing) options.log(`[pg_net] database connection lost: ${error.message}`);
  });
  let pumping: Promise<void> | undefined;
  let again = false;
  let lastPrune = 0;

  listener.on('error', (error) => {
    if (!closing) options.log(`[pg_net] listener error: ${error.message}`);
  });
  await listener.connect();
  await listener.query('listen net_http_request_queue');
  listener.on('notification', () => wake());

  async function record(id: string, response: Partial<Record<string, unknown>>): Promise<void> {
    await pool.query(
      `with done as (delete from net.http_request_queue where id = $1)
       insert into net._http_response (id, status_code, content_type, headers, content, timed_out, error_msg)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [
        id,
        response.status_code ?? null,
        response.content_type ?? null,
        response.headers ?? null,
        response.content ?? null,
        response.timed_out ?? false,
        response.error_msg ?? null,
      ],
    );
  }

  function hold(url: string, cause: string): void {
    const previous = holds.get(url);
    const delayMs = previous ? Math.min(previous.delayMs * 2, MAX_DELAY_MS) : FIRST_DELAY_MS;
    holds.set(url, { until: Date.now() + delayMs, delayMs, cause });
    if (!previous) {
      const firstLine = cause.split('\n').find((l) => l.trim()) ?? cause;
      options.log(
        `[pg_net] ${functionName(url)} cannot start (${firstLine.trim().slice(0, 300)}); its requests wait in net.http_request_queue and are retried with backoff up to every ${MAX_DELAY_MS / 1000} s`,
      );
    }
  }

  function release(url: string): void {
    if (holds.delete(url)) options.log(`[pg_net] ${functionName(url)} answers again; sending its waiting requests`);
  }

  async function send(request: QueuedRequest): Promise<void> {
    const timeout = AbortSignal.timeout(Math.max(1, request.timeout_milliseconds));
    try {
      const res = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body ? new Uint8Array(request.body) : undefined,
        signal: AbortSignal.any([timeout, aborter.signal]),
      });
      const unavailable = await runtimeUnavailable(res);
      if (unavailable !== undefined) {
        await res.arrayBuffer();
        if (!closing) hold(request.url, unavailable);
        return; // stays queued
      }
      const content = await res.text();
      release(request.url);
      await record(request.id, {
        status_code: res.status,
        content_type: res.headers.get('content-type'),
        headers: Object.fromEntries(res.headers),
        content,
      });
      if (res.status >= 400) options.log(`[pg_net] ${request.method} ${functionName(request.url)} answered ${res.status}`);
    } catch (error) {
      if (closing) return; // stays queued for the next start
      const timedOut = timeout.aborted;
      const message = timedOut ? `Timeout of ${request.timeout_milliseconds} ms reached` : (error as Error).message;
      options.log(`[pg_net] ${request.method} ${functionName(request.url)} failed: ${message}`);
      await record(request.id, { timed_out: timedOut, error_msg: message }).catch(() => {});
    }
  }

  async function pumpOnce(): Promise<void> {
    const free = concurrency - inFlight.size;
    if (free <= 0 || closing) return;
    const now = Date.now();
    const heldUrls = [...holds].filter(([, h]) => h.until > now).map(([url]) => url);
    const { rows } = await pool.query<QueuedRequest>(
      `select id::text, method::text, url, headers, body, timeout_milliseconds from net.http_request_queue
       where not (id::text = any($1::text[])) and not (url = any($2::text[])) order by id limit $3`,
      [[...inFlight.keys()], heldUrls, free],
    );
    for (const row of rows) {
      const task = send(row)
        .catch((error: Error) => options.log(`[pg_net] request ${row.id}: ${error.message}`))
        .finally(() => {
          inFlight.delete(row.id);
          wake();
        });
      inFlight.set(row.id, task);
    }
    if (now - lastPrune > 60_000) {
      lastPrune = now;
      await pool.query(`delete from net._http_response where created < now() - interval '${RESPONSE_TTL}'`);
    }
  }

  function wake(): void {
    if (closing) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = (async () => {
      do {
        again = false;
        await pumpOnce().catch((error: Error) => {
          if (!closing) options.log(`[pg_net] ${error.message}`);
        });
      } while (again && !closing);
    })().finally(() => {
      pumping = undefined;
    });
  }

  const timer = setInterval(wake, options.pollMs ?? 1000);
  timer.unref();
  wake();

  return {
    async close() {
      closing = true;
      clearInterval(timer);
      aborter.abort();
      await Promise.allSettled([...inFlight.values(), pumping]);
      await listener.end().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}
