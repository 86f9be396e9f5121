import { describe, expect, it } from 'vitest';
import { renderTable } from './table.ts';
import { countOf, formatDuration, formatRelative, formatUsd, stripAnsi, style, useColor, visible } from './term.ts';
import { displayWidth, pad, sliceColumns } from './width.ts';

describe('colour', () => {
  const tty = { isTTY: true } as NodeJS.WriteStream;
  const pipe = { isTTY: false } as NodeJS.WriteStream;
  it.each([
    [tty, {}, true],
    [tty, { NO_COLOR: '' }, false],
    [tty, { NO_COLOR: '1' }, false],
    [tty, { TERM: 'dumb' }, false],
    [pipe, {}, false],
  ])('on %o with %o: %s', (stream, env, expected) => {
    expect(useColor(stream, env)).toBe(expected);
  });

  it('styles only when enabled', () => {
    expect(style(false).red('x')).toBe('x');
    expect(stripAnsi(style(true).red('x'))).toBe('x');
    expect(style(true).red('x')).not.toBe('x');
    expect(pad(style(true).green('ok'), 4)).toBe(`${style(true).green('ok')}  `);
  });
});

describe('formatting', () => {
  it.each([
    [0, '$0'],
    [0.00012, '$0.0001'],
    [0.5, '$0.5000'],
    [12.345, '$12.35'],
  ])('formatUsd(%d) = %s', (n, text) => {
    expect(formatUsd(n)).toBe(text);
  });

  it.each([
    [250, '250 ms'],
    [1500, '1.5 s'],
    [125_000, '2 min 5 s'],
  ])('formatDuration(%d) = %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('renderTable', () => {
  const rows = [
    { name: 'a-very-long-test-name-that-goes-on-and-on', n: 1 },
    { name: 'short', n: 22 },
  ];
  const columns = [
    { header: 'name', value: (r: (typeof rows)[number]) => r.name, flexible: true },
    { header: 'n', value: (r: (typeof rows)[number]) => String(r.n), align: 'right' as const },
  ];

  it('aligns columns', () => {
    expect(renderTable(columns, rows, 200)).toBe(
      [
        'name                                        n',
        'a-very-long-test-name-that-goes-on-and-on   1',
        'short                                      22',
      ].join('\n'),
    );
  });

  it('truncates the flexible column to fit the width', () => {
    const lines = renderTable(columns, rows, 20).split('\n');
    expect(lines.every((l) => l.length <= 20)).toBe(true);
    expect(lines[1]).toBe('a-very-long-tes…   1');
  });
});

describe('display width and escapes', () => {
  it('counts CJK and emoji as two columns and combining marks as none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本語')).toBe(6);
    expect(displayWidth('ok 🎉')).toBe(5);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth(style(true).green('日本'))).toBe(4);
  });

  it('counts emoji the way terminals draw them: two columns, one per grapheme (issue 25)', () => {
    // The hand-kept range list counted 🚀 (U+1F680) and ✅ (U+2705) as one column.
    expect(displayWidth('🚀')).toBe(2);
    expect(displayWidth('✅ pass')).toBe(7);
    expect(displayWidth('👩\u200d👩\u200d👧')).toBe(2);
    expect(displayWidth('🇯🇵')).toBe(2);
    // Slicing never cuts a character or a ZWJ sequence in half.
    expect(sliceColumns('日本🚀x', 5)).toBe('日本');
    expect(sliceColumns('a👩\u200d👩\u200d👧b', 3)).toBe('a👩\u200d👩\u200d👧');
    expect(sliceColumns(style(true).green('plain text'), 5)).toBe('plain');
    const out = renderTable(
      [
        { header: 'suite', value: (r: { s: string; n: string }) => r.s },
        { header: 'n', value: (r) => r.n, align: 'right' },
      ],
      [
        { s: 'launch 🚀', n: '1' },
        { s: 'ok ✅', n: '22' },
        { s: 'plain', n: '3' },
      ],
    ).split('\n');
    expect(out.map((l) => displayWidth(l))).toEqual([13, 13, 13, 13]);
    expect(out[1]).toBe('launch 🚀   1');
  });

  it('aligns table columns by display width, escaping control characters', () => {
    const rows = [
      { name: '日本語テスト', n: '1' },
      { name: 'plain', n: '2' },
      { name: 'evil\u001b[2Jname', n: '3' },
    ];
    const out = renderTable(
      [
        { header: 'name', value: (r: (typeof rows)[number]) => r.name },
        { header: 'n', value: (r) => r.n },
      ],
      rows,
    ).split('\n');
    expect(out.map((l) => displayWidth(l))).toEqual([20, 20, 20, 20]);
    expect(out[3]).toBe('evil\\u001b[2Jname  3');
    expect(visible(style(true).red('x'))).toBe(style(true).red('x'));
  });

  it('says times and counts as people do', () => {
    const now = Date.parse('2026-11-22T12:00:00Z');
    expect(formatRelative('2026-11-22T09:00:00Z', now)).toBe('3 h ago');
    expect(formatRelative('2026-11-29T12:00:00Z', now)).toBe('in 7 days');
    expect(formatRelative('2026-11-22T11:59:30Z', now)).toBe('just now');
    expect(formatRelative(null, now)).toBe('never');
    expect([countOf(1, 'call'), countOf(2, 'call')]).toEqual(['1 call', '2 calls']);
  });
});
