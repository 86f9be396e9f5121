/**
 * Text similarity metrics for the graded assertions, computed on word tokens
 * (lower-cased letters and digits): ROUGE-N recall and sentence BLEU-4. Each
 * is checked against hand-computed fixtures in text-metrics.test.ts.
 */

export function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function ngrams(words: string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= words.length; i++) {
    const key = words.slice(i, i + n).join('\u0000');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** ROUGE-N recall: the share of the reference's n-grams (counted with multiplicity) that the candidate has. 0 when the reference has none. */
export function rougeN(candidate: string, reference: string, n = 1): number {
  const ref = ngrams(tokens(reference), n);
  const cand = ngrams(tokens(candidate), n);
  let total = 0;
  let overlap = 0;
  for (const [gram, count] of ref) {
    total += count;
    overlap += Math.min(count, cand.get(gram) ?? 0);
  }
  return total ? overlap / total : 0;
}

/**
 * Sentence BLEU-4 (Papineni et al.): the geometric mean of the clipped 1- to 4-gram
 * precisions, uniform weights, times the brevity penalty exp(1 - r/c) when the candidate
 * (c words) is shorter than the closest reference (r words). No smoothing: a candidate
 * with no matching 4-gram (or fewer than 4 words) scores 0.
 */
export function bleu(candidate: string, references: string[]): number {
  const cand = tokens(candidate);
  const refs = references.map(tokens);
  if (!cand.length || !refs.length) return 0;
  let logSum = 0;
  for (let n = 1; n <= 4; n++) {
    const counts = ngrams(cand, n);
    const maxRef = new Map<string, number>();
    for (const ref of refs) for (const [gram, count] of ngrams(ref, n)) maxRef.set(gram, Math.max(maxRef.get(gram) ?? 0, count));
    let total = 0;
    let clipped = 0;
    for (const [gram, count] of counts) {
      total += count;
      clipped += Math.min(count, maxRef.get(gram) ?? 0);
    }
    if (!total || !clipped) return 0;
    logSum += Math.log(clipped / total) / 4;
  }
  const c = cand.length;
  const r = refs
    .map((ref) => ref.length)
    .reduce((best, len) =>
      Math.abs(len - c) < Math.abs(best - c) || (Math.abs(len - c) === Math.abs(best - c) && len < best) ? len : best,
    );
  const brevity = c >= r ? 1 : Math.exp(1 - r / c);
  return brevity * Math.exp(logSum);
}

/** Cosine similarity of two vectors; 0 when either is all zeros. */
export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}
