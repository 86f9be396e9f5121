import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from './html.ts';

describe('escapeHtml', () => {
  it.each([
    ['<script>alert("x")</script>', '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'],
    ["it's & done", 'it&#39;s &amp; done'],
    ['plain', 'plain'],
    [null, ''],
    [undefined, ''],
    [42, '42'],
    // Bidirectional overrides and isolates show as text: nothing after them is reordered.
    ['sha\u202Eexe.txt', 'sha[U+202E]exe.txt'],
    [
      'a\u202Ab\u202Bc\u202Cd\u202De\u2066f\u2067g\u2068h\u2069',
      'a[U+202A]b[U+202B]c[U+202C]d[U+202D]e[U+2066]f[U+2067]g[U+2068]h[U+2069]',
    ],
    // Right-to-left text itself is left alone.
    ['שלום مرحبا', 'שלום مرحبا'],
  ])('escapes %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});

describe('html template', () => {
  it('escapes interpolations but not nested html', () => {
    const name = '<b>Eve</b>';
    const inner = html`<em>${name}</em>`;
    expect(html`<p title="${'"quoted"'}">${inner}</p>`.toString()).toBe(
      '<p title="&quot;quoted&quot;"><em>&lt;b&gt;Eve&lt;/b&gt;</em></p>',
    );
  });

  it('joins arrays and drops null, undefined and false', () => {
    const items = ['a<', 'b>'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}${null}${undefined}${false}</ul>`.toString()).toBe('<ul><li>a&lt;</li><li>b&gt;</li></ul>');
  });
});
