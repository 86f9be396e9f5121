/**
 * A local CLI as a model, e.g. `claude -p --output-format json`: the prompt
 * goes to stdin, the answer comes back as JSON on stdout (`result`, `output`
 * or `text`; `usage`; `total_cost_usd` as the exact cost), or as plain text.
 */
import { spawn } from 'node:child_process';
import type { Message } from '@gstack/core';
import { failure, type Provider, type ProviderRequest, type ProviderResult } from '../types.ts';

export interface CommandOptions {
  name: string;
  /** argv; `{model}` in any argument is replaced by the model name. */
  command: string[];
}

/** The conversation as one prompt text for a CLI. */
export function renderPrompt(messages: Message[]): string {
  if (messages.length === 1 && messages[0]?.role === 'user') return messages[0].content;
  return messages.map((m) => `${m.role.toUpperCase()}:\n${m.content}`).join('\n\n');
}

interface CliJson {
  result?: string;
  output?: string;
  text?: string;
  is_error?: boolean;
  total_cost_usd?: number;
  cost_usd?: number;
  usage?: { input_tokens?: number; output_tokens?: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number };
}

export function commandProvider(options: CommandOptions): Provider {
  return {
    name: options.name,
    local: true,
    call(request: ProviderRequest): Promise<ProviderResult> {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const [bin, ...args] = options.command.map((a) => a.replaceAll('{model}', request.model));
      return new Promise((resolve) => {
        if (!bin) return resolve(failure(`${options.name}: empty command`, 0));
        const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, request.timeoutMs);
        const onAbort = () => child.kill('SIGKILL');
        request.signal?.addEventListener('abort', onAbort);
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
        });
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        child.on('error', (error) => {
          clearTimeout(timer);
          resolve(failure(`${options.name}: could not run ${bin}: ${error.message}`, elapsed()));
        });
        child.on('close', (code) => {
          clearTimeout(timer);
          request.signal?.removeEventListener('abort', onAbort);
          if (timedOut) return resolve(failure(`${options.name}/${request.model}: timed out after ${request.timeoutMs} ms`, elapsed()));
          if (code !== 0)
            return resolve(failure(`${options.name}/${request.model}: exited with ${code}: ${stderr.trim().slice(-300)}`, elapsed()));
          let json: CliJson | undefined;
          try {
            json = JSON.parse(stdout) as CliJson;
          } catch {
            json = undefined;
          }
          if (!json || typeof json !== 'object') {
            return resolve({
              output: stdout.trim(),
              usage: { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 },
              latencyMs: elapsed(),
              retries: 0,
            });
          }
          const output = json.result ?? json.output ?? json.text;
          if (json.is_error || typeof output !== 'string') {
            return resolve(
              failure(
                `${options.name}/${request.model}: ${json.is_error ? `reported an error: ${output ?? ''}` : 'no result/output/text in its JSON'}`,
                elapsed(),
              ),
            );
          }
          const cost = json.total_cost_usd ?? json.cost_usd;
          resolve({
            output,
            usage: {
              input_tokens: json.usage?.input_tokens ?? 0,
              output_tokens: json.usage?.output_tokens ?? 0,
              cache_read_tokens: json.usage?.cache_read_input_tokens ?? 0,
              cache_write_tokens: json.usage?.cache_creation_input_tokens ?? 0,
            },
            reportedCostUsd: typeof cost === 'number' ? cost : undefined,
            latencyMs: elapsed(),
            retries: 0,
          });
        });
        child.stdin.on('error', () => {});
        child.stdin.end(renderPrompt(request.messages));
      });
    },
  };
}
