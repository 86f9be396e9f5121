import { describe, expect, it } from 'vitest';
import { summarize } from './slack-sink.ts';

describe('Slack sink summaries', () => {
  it('prefers the header block, then the fallback text', () => {
    expect(summarize({ text: 'fallback', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Pass rate dropped' } }] })).toBe(
      'Pass rate dropped',
    );
    expect(summarize({ text: 'line one\n  line two' })).toBe('line one line two');
    expect(summarize({ blocks: [] })).toBe('(no text)');
  });

  it('cuts long text to one readable line', () => {
    const summary = summarize({ text: 'x'.repeat(500) });
    expect(summary).toHaveLength(120);
    expect(summary.endsWith('...')).toBe(true);
  });
});
