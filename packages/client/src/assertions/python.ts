/**
 * `python`: an expression, a function body with `return`, or code defining
 * `get_assert(output, context)` (as promptfoo's files do), run by `python3`
 * in a child process with a time limit; `output` and `context` come on stdin
 * as JSON, the value goes back on stdout as JSON. Preflight refuses a suite
 * with python assertions when `python3` is not on PATH.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type CodeContext, codeSpec, grade } from './code.ts';
import type { AssertionHandler } from './types.ts';

const RUNNER = `
import json, sys, textwrap
d = json.load(sys.stdin)
code, output, context = d["code"], d["output"], d["context"]
ns = {"output": output, "context": context}
if "def get_assert" in code:
    exec(code, ns)
    value = ns["get_assert"](output, context)
elif "return" in code or "\\n" in code.strip():
    exec("def __gstack_check(output, context):\\n" + textwrap.indent(code, "    "), ns)
    value = ns["__gstack_check"](output, context)
else:
    value = eval(code, ns)
sys.stdout.write("\\n" + json.dumps(value))
`;

/** The python3 on PATH, or undefined. */
export function findPython(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'python3');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function runPython(
  code: string,
  output: string,
  context: CodeContext,
  timeoutMs: number,
): Promise<{ value: unknown } | { error: string }> {
  const python = findPython();
  if (!python) return Promise.resolve({ error: 'python3 is not on PATH' });
  return new Promise((resolve) => {
    const child = spawn(python, ['-c', RUNNER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ error: `took longer than ${timeoutMs} ms` });
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ error: error.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) {
        const last = stderr.trim().split('\n').pop() ?? `exit code ${code}`;
        return resolve({ error: last });
      }
      try {
        resolve({ value: JSON.parse(stdout.trim().split('\n').pop() ?? '') });
      } catch {
        resolve({ error: `its value is not JSON: ${stdout.trim().slice(0, 200)}` });
      }
    });
    child.stdin.end(JSON.stringify({ code, output, context }));
  });
}

export const python: AssertionHandler<Parameters<typeof codeSpec>[0]> = async (value, ctx) => {
  const spec = codeSpec(value);
  const result = await runPython(spec.code, ctx.output, ctx.codeContext(), spec.timeoutMs);
  if ('error' in result) return { passed: false, message: `python: ${result.error}` };
  return grade(result.value, spec.threshold, 'python');
};
