import { describe, expect, it } from 'vitest';
import { summarize } from './slack-sink.ts';
import { mrkdwnToHtml, renderSinkPage } from './slack-sink-page.ts';

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
    expect(page).toContain('a &amp; b &lt;i&gt; <a href="https://d.example/runs/1">Open the run</a>');
    expect(page).toContain('run &quot;1&quot;');
    expect(page).toContain('/alerts/&lt;team&gt;');
    expect(page).not.toContain('<script>');
    expect(page).toContain('1 message received');
  });

  it("renders mrkdwn's styles and links the way Slack shows them, never letting text become a tag", () => {
    const cases: Array<[string, string]> = [
      ['*capitals* fell to _62.5%_ (~was~ 100%)', '<b>capitals</b> fell to <i>62.5%</i> (<s>was</s> 100%)'],
      ['run `a3282d6c` on main', 'run <code>a3282d6c</code> on main'],
      [':white_check_mark: back :not_an_emoji:', '✅ back :not_an_emoji:'],
      ['<https://d.example/t/acme?x=1&amp;y=2|Open *it*>', '<a href="https://d.example/t/acme?x=1&amp;y=2">Open *it*</a>'],
      ['<https://d.example/plain>', '<a href="https://d.example/plain">https://d.example/plain</a>'],
      ['*&lt;img src=x onerror=alert(1)&gt;*', '<b>&lt;img src=x onerror=alert(1)&gt;</b>'],
      ['<javascript:alert(1)|click>', '&lt;javascript:alert(1)|click&gt;'],
      ['<https://d.example/"onmouseover="x|hi>', '<a href="https://d.example/&quot;onmouseover=&quot;x">hi</a>'],
      ['2*3*4 and snake_case_name stay as typed', '2*3*4 and snake_case_name stay as typed'],
    ];
    for (const [input, expected] of cases) expect([input, mrkdwnToHtml(input).toString()]).toEqual([input, expected]);
    const page = renderSinkPage([
      {
        received_at: '2026-11-22T05:00:00.000Z',
        path: '/x',
        payload: { blocks: [{ type: 'header', text: { type: 'plain_text', text: ':rotating_light: *not bold* in a header' } }] },
      },
    ]);
    expect(page).toContain('<h3>🚨 *not bold* in a header</h3>');
  });

  it('says when nothing arrived', () => {
    expect(renderSinkPage([])).toContain('Nothing received yet.');
  });
});
