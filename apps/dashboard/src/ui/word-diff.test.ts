import { describe, expect, it } from 'vitest';
import { renderWordDiff, wordDiff } from './word-diff.ts';

describe('the word diff', () => {
  it('marks changed words and keeps the rest', () => {
    expect(wordDiff('The capital of Peru is Lima.', 'The capital of Peru is Cusco.')).toEqual([
      { kind: 'same', text: 'The capital of Peru is ' },
      { kind: 'removed', text: 'Lima' },
      { kind: 'added', text: 'Cusco' },
      { kind: 'same', text: '.' },
    ]);
  });

  it('folds a long unchanged stretch between changes, keeping context on each side', () => {
    const middle = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');
    const parts = wordDiff(`A ${middle} B`, `X ${middle} Y`, 3);
    expect(parts.map((p) => (p.kind === 'folded' ? `…${p.words}…` : `${p.kind}:${p.text}`))).toEqual([
      'removed:A',
      'added:X',
      'same: w0 w1 w2',
      '…24…',
      'same:w27 w28 w29 ',
      'removed:B',
      'added:Y',
    ]);
  });

  it('renders <ins> and <del>, escaped; identical outputs say so', () => {
    const out = renderWordDiff(wordDiff('<b>old</b>', '<b>new</b>')).value;
    expect(out).toContain('<del>');
    expect(out).toContain('<ins>');
    expect(out).not.toContain('<b>');
    expect(renderWordDiff(wordDiff('same', 'same')).value).toContain('The outputs are identical.');
  });
});
