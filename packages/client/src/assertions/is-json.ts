import { type AssertionHandler, fail, pass } from './types.ts';

/** The output, or a ```json fenced block in it, as JSON; undefined when it is not. */
export function parseJsonOutput(output: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n```/.exec(output);
  const text = (fenced?.[1] ?? output).trim();
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

export const isJson: AssertionHandler<true> = (_value, { output }) => {
  const parsed = parseJsonOutput(output);
  return parsed.ok ? pass : fail(`expected JSON: ${parsed.error}`);
};
