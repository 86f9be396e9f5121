import { describe, expect, it } from 'vitest';
import { summarize } from './slack-sink.ts';
import { renderSinkPage } from './slack-sink-page.ts';

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

describe('Slack sink page', () => {
  it('renders blocks readably and escapes every string', () => {
    const page = renderSinkPage([
      {
        received_at: '2026-11-22T05:00:00.000Z',
        path: '/alerts/<team>',
        payload: {
          text: 'fallback',
          blocks: [
            { type: 'header', text: { type: 'plain_text', text: 'Regression in <script>alert(1)</script>' } },
            { type: 'section', text: { type: 'mrkdwn', text: 'a &amp; b &lt;i&gt; <https://d.example/runs/1|Open the run>' } },
            { type: 'context', elements: [{ type: 'mrkdwn', text: 'run "1"' }] },
          ],
        },
      },
    ]);
    expect(page).toContain('<h3>Regression in &lt;script&gt;alert(1)&lt;/script&gt;</h3>');
    expect(page).toContain('a &amp; b &lt;i&gt; Open the run (https://d.example/runs/1)');
    expect(page).toContain('run &quot;1&quot;');
    expect(page).toContain('/alerts/&lt;team&gt;');
    expect(page).not.toContain('<script>');
    expect(page).toContain('1 message received');
  });

  it('says when nothing arrived', () => {
    expect(renderSinkPage([])).toContain('Nothing received yet.');
  });
});
