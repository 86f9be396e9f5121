/**
 * A word-level diff of two outputs for the compare page, from jsdiff's
 * diffWords (the maintained `diff` package), with long unchanged stretches
 * folded to "… N unchanged words …" so the changes stand out. Rendered as
 * <del>/<ins> (meaning survives without colour), every text escaped.
 */
import { html, type SafeHtml } from '@gstack/core';
import { diffWords } from 'diff';

export type DiffPart = { kind: 'same' | 'added' | 'removed'; text: string } | { kind: 'folded'; words: number };

/** Unchanged words kept on each side of a change before the rest is folded. */
export const CONTEXT_WORDS = 6;

const words = (text: string) => text.split(/(\s+)/);
const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Keeps the first `n` words of `text` (with the spacing between them). */
function firstWords(text: string, n: number): string {
  const parts = words(text);
  let seen = 0;
  let i = 0;
  for (; i < parts.length && seen < n; i++) if ((parts[i] ?? '').trim()) seen += 1;
  return parts.slice(0, i).join('');
}

function lastWords(text: string, n: number): string {
  const parts = words(text);
  let seen = 0;
  let i = parts.length;
  for (; i > 0 && seen < n; i--) if ((parts[i - 1] ?? '').trim()) seen += 1;
  return parts.slice(i).join('');
}

/** The diff of `base` → `head`, unchanged stretches over 2 × CONTEXT_WORDS words folded. */
export function wordDiff(base: string, head: string, context = CONTEXT_WORDS): DiffPart[] {
  const changes = diffWords(base, head);
  const out: DiffPart[] = [];
  changes.forEach((change, i) => {
    if (change.added) out.push({ kind: 'added', text: change.value });
    else if (change.removed) out.push({ kind: 'removed', text: change.value });
    else {
      const n = countWords(change.value);
      const keepBefore = i > 0 ? context : 0;
      const keepAfter = i < changes.length - 1 ? context : 0;
      if (n <= keepBefore + keepAfter + 1) out.push({ kind: 'same', text: change.value });
      else {
        if (keepBefore) out.push({ kind: 'same', text: firstWords(change.value, keepBefore) });
        out.push({ kind: 'folded', words: n - keepBefore - keepAfter });
        if (keepAfter) out.push({ kind: 'same', text: lastWords(change.value, keepAfter) });
      }
    }
  });
  return out;
}

export const WORD_DIFF_STYLES = `
.word-diff{white-space:pre-wrap;word-break:break-word;font:13px ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:8px 10px;margin:4px 0}
.word-diff ins{text-decoration:underline;background:color-mix(in srgb,var(--good) 22%,transparent)}
.word-diff del{text-decoration:line-through;background:color-mix(in srgb,var(--bad) 22%,transparent)}
.word-diff .fold{color:var(--muted);font-style:italic}
table.compare tr.detail pre{white-space:pre-wrap;word-break:break-word}
table.compare tr.detail>td{padding-top:0}
@media (max-width:800px){table.compare .hide-sm{display:none}}
`;

export function renderWordDiff(parts: DiffPart[]): SafeHtml {
  if (!parts.some((p) => p.kind === 'added' || p.kind === 'removed')) return html`<p class="sub">The outputs are identical.</p>`;
  return html`<div class="word-diff" aria-label="Word changes from baseline to head">${parts.map((p) =>
    p.kind === 'added'
      ? html`<ins>${p.text}</ins>`
      : p.kind === 'removed'
        ? html`<del>${p.text}</del>`
        : p.kind === 'folded'
          ? html`<span class="fold"> … ${p.words} unchanged word${p.words === 1 ? '' : 's'} … </span>`
          : html`${p.text}`,
  )}</div>`;
}
