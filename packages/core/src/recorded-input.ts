/**
 * What a result records about the question: the rendered input (the messages
 * after `vars` substitution, and the vars themselves) and what was expected
 * (the assertions, one line each). Both are redacted with core's rules
 * (redact.ts) and bounded like answers: each text at most TEXT_LIMIT
 * characters, cut texts end with "… [N more characters]" and the input says
 * `truncated: true`. One definition for the runner (which writes it) and the
 * pages (which show it).
 */
import { redactSecrets } from './redact.ts';
import type { Message } from './suite.ts';

/** Characters kept of any one recorded text (a message, the expected summary, a rejected answer). */
export const TEXT_LIMIT = 4000;
/** Characters kept of one var's value. */
export const VAR_LIMIT = 1000;

/** `text` cut at `limit` characters, marked when cut. */
export function boundText(text: string, limit = TEXT_LIMIT): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… [${text.length - limit} more characters]`;
}

export type VarValue = string | number | boolean;

export interface RecordedInput {
  messages: Message[];
  vars: Record<string, VarValue> | null;
  /** Some message or var was cut at its limit. */
  truncated: boolean;
}

/** The input as a result records it: redacted, then bounded. */
export function recordInput(messages: Message[], vars: Record<string, VarValue> | undefined): RecordedInput {
  let truncated = false;
  const cut = (text: string, limit: number) => {
    const clean = redactSecrets(text);
    if (clean.length > limit) truncated = true;
    return boundText(clean, limit);
  };
  const recorded = messages.map((m) => ({ role: m.role, content: cut(m.content, TEXT_LIMIT) }));
  const recordedVars =
    vars && Object.keys(vars).length
      ? Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? cut(v, VAR_LIMIT) : v]))
      : null;
  return { messages: recorded, vars: recordedVars, truncated };
}

/** The expected value as a result records it: the assertion lines, redacted and bounded; null when none. */
export function recordExpected(lines: string[]): string | null {
  if (!lines.length) return null;
  return boundText(redactSecrets(lines.join('\n')), TEXT_LIMIT);
}
