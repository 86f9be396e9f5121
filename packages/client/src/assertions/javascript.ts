/**
 * `javascript`: an expression (`output.includes('Paris')`), a function body
 * with `return`, or a file of either, run in a worker thread with a time limit.
 * The code sees `output` and `context` ({vars, prompt, test, latency_ms,
 * cost_usd}) in a fresh V8 context: no require, no process, no file system.
 * One worker serves every assertion (started on first use); one that runs past
 * its limit is terminated and the next call starts another.
 */
import { Worker } from 'node:worker_threads';
import { type CodeContext, codeSpec, grade } from './code.ts';
import type { AssertionHandler } from './types.ts';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const vm = require('node:vm');
parentPort.on('message', async ({ id, code, output, context, timeoutMs }) => {
  try {
    // An expression if it parses as one, else a function body (with return).
    let body = 'return (' + code + '\\n);';
    try { new vm.Script('(function () {' + body + '})'); } catch { body = code; }
    const script = '(function (output, context) {\\n' + body + '\\n})(output, context)';
    const value = await vm.runInNewContext(script, { output, context }, { timeout: timeoutMs });
    parentPort.postMessage({ id, value: value === undefined ? { undefined: true } : { json: JSON.stringify(value) } });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message ? error.message : error) });
  }
});`;

type Reply = { id: number; value?: { json?: string; undefined?: true }; error?: string };

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, (reply: Reply) => void>();

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 256 } });
  w.unref();
  w.on('message', (reply: Reply) => {
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  });
  w.on('error', (error) => {
    for (const [id, resolve] of waiting) resolve({ id, error: error.message });
    waiting.clear();
    if (worker === w) worker = undefined;
  });
  worker = w;
  return w;
}

/** Runs the code with `output` and `context`; its return value, or why there is none. */
export function runJavascript(
  code: string,
  output: string,
  context: CodeContext,
  timeoutMs: number,
): Promise<{ value: unknown } | { error: string }> {
  const w = getWorker();
  const id = nextId++;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      // Past its limit (an endless loop, a promise that never settles): this worker is done.
      if (worker === w) worker = undefined;
      void w.terminate();
      resolve({ error: `took longer than ${timeoutMs} ms` });
      // The worker's own limit stops synchronous code first (a clearer message); this one catches what awaits forever.
    }, timeoutMs + 250);
    timer.unref();
    waiting.set(id, (reply) => {
      clearTimeout(timer);
      if (reply.error !== undefined) resolve({ error: reply.error });
      else resolve({ value: reply.value?.json === undefined ? undefined : JSON.parse(reply.value.json) });
    });
    w.postMessage({ id, code, output, context, timeoutMs });
  });
}

export const javascript: AssertionHandler<Parameters<typeof codeSpec>[0]> = async (value, ctx) => {
  const spec = codeSpec(value);
  const result = await runJavascript(spec.code, ctx.output, ctx.codeContext(), spec.timeoutMs);
  if ('error' in result) return { passed: false, message: `javascript: ${result.error}` };
  return grade(result.value, spec.threshold, 'javascript');
};
