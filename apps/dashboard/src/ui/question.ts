/**
 * What a test asked and expected, as the result recorded it (format version 2:
 * the messages after vars, the vars, the assertion summary; redacted and
 * bounded by the engine, cuts marked). Version 1 results recorded neither: the
 * block says so instead of showing nothing.
 */
import { html, type SafeHtml } from '@gstack/core';

export interface RecordedQuestion {
  input: {
    messages: Array<{ role: string; content: string }>;
    vars: Record<string, string | number | boolean> | null;
    truncated?: boolean;
  } | null;
  expected: string | null;
}

export const QUESTION_STYLES = `
.question .role{font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:6px 0 2px}
.question dl.vars{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:4px 0;font-size:13px}
.question dl.vars dt{color:var(--muted)}.question dl.vars dd{margin:0;word-break:break-word}
`;

/** The input and expected value, side by side (stacked on a phone). */
export function questionBlock(q: RecordedQuestion | null | undefined): SafeHtml {
  const input = q?.input ?? null;
  const vars = input?.vars ? Object.entries(input.vars) : [];
  return html`<div class="grid2 question">
    <div><h3 class="sub">Input${input?.truncated ? ' (cut: long parts end with “… [N more characters]”)' : ''}</h3>${
      input
        ? html`${input.messages.map((m) => html`<div class="role">${m.role}</div><pre>${m.content}</pre>`)}${
            vars.length
              ? html`<div class="role">vars</div><dl class="vars">${vars.map(([k, v]) => html`<dt>${k}</dt><dd>${String(v)}</dd>`)}</dl>`
              : ''
          }`
        : html`<p class="sub">Not recorded (result format version 1).</p>`
    }</div>
    <div><h3 class="sub">Expected</h3>${
      q?.expected
        ? html`<pre>${q.expected}</pre>`
        : html`<p class="sub">${input ? 'No assertions: any answer the ladder accepts passes.' : 'Not recorded (result format version 1).'}</p>`
    }</div>
  </div>`;
}
