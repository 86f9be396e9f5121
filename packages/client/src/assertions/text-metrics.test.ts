import { describe, expect, it } from 'vitest';
import { bleu, cosine, rougeN, tokens } from './text-metrics.ts';

const ref = 'The cat sat on the mat.';

describe('text metrics, against hand-computed values', () => {
  it('tokenizes into lower-cased words', () => {
    expect(tokens("The cat's mat, 2 times!")).toEqual(['the', 'cat', 's', 'mat', '2', 'times']);
  });

  it('ROUGE-1 and ROUGE-2 recall', () => {
    // Reference unigrams: the×2 cat sat on mat (6); the candidate has the×2 cat on mat: 5 of 6.
    expect(rougeN('the cat is on the mat', ref, 1)).toBeCloseTo(5 / 6, 10);
    // Reference bigrams: the-cat cat-sat sat-on on-the the-mat (5); shared: the-cat on-the the-mat.
    expect(rougeN('the cat is on the mat', ref, 2)).toBeCloseTo(3 / 5, 10);
    expect(rougeN('anything', '', 1)).toBe(0);
  });

  it('BLEU-4 with clipping and the brevity penalty', () => {
    expect(bleu(ref, [ref])).toBeCloseTo(1, 10);
    // One extra word: precisions 6/7, 5/6, 4/5, 3/4; longer than the reference, no penalty.
    expect(bleu('the cat sat on the mat today', [ref])).toBeCloseTo((3 / 7) ** 0.25, 10);
    // Four of six words: every precision 1, penalty exp(1 - 6/4).
    expect(bleu('the cat sat on', [ref])).toBeCloseTo(Math.exp(-0.5), 10);
    // The closest reference length counts: the 4-word reference, no penalty.
    expect(bleu('the cat sat on', [ref, 'the cat sat on'])).toBeCloseTo(1, 10);
    // No matching 4-gram: 0 (no smoothing).
    expect(bleu('the the the the', [ref])).toBe(0);
  });

  it('cosine similarity', () => {
    expect(cosine([1, 1, 1, 0], [1, 1, 0, 1])).toBeCloseTo(2 / 3, 10);
    expect(cosine([0, 0], [1, 1])).toBe(0);
  });
});
