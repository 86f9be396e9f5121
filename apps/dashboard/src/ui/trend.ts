/** A test's trend class as a coloured badge: attention-worthy classes in warning colours. */
import { html, type SafeHtml, type TrendClass } from '@gstack/core';

const TONE: Record<TrendClass, string> = {
  'stable-pass': 'good',
  'stable-fail': 'bad',
  flaky: 'warn',
  improving: 'good',
  degrading: 'bad',
};

export function trendBadge(kind: TrendClass): SafeHtml {
  return html`<span class="badge ${TONE[kind]}">${kind}</span>`;
}
