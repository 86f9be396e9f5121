/** The graded text assertions: levenshtein (edit distance at most a threshold), rouge_n, bleu and similar (a score at least a threshold). */
import { distance } from 'fastest-levenshtein';
import { bleu as bleuScore, cosine, rougeN as rougeScore } from './text-metrics.ts';
import { type AssertionHandler, fail, show } from './types.ts';

/** The defaults promptfoo uses, so a migrated suite grades the same. */
export const GRADED_DEFAULTS = { levenshtein: 5, rouge_n: 0.75, bleu: 0.5, similar: 0.75 } as const;

type Graded<V, T = number> = V | { value: V; threshold?: T };
const spec = <V>(v: Graded<V>, fallback: number): { value: V; threshold: number } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && 'value' in v
    ? { value: v.value, threshold: v.threshold ?? fallback }
    : { value: v as V, threshold: fallback };
const round3 = (x: number) => Math.round(x * 1000) / 1000;

export const levenshtein: AssertionHandler<Graded<string>> = (v, { output }) => {
  const { value, threshold } = spec(v, GRADED_DEFAULTS.levenshtein);
  const d = distance(output.trim(), value.trim());
  return d <= threshold ? { passed: true, message: null } : fail(`edit distance ${d} from ${show(value)}, more than ${threshold}`);
};

export const rougeN: AssertionHandler<Graded<string> & { n?: number }> = (v, { output }) => {
  const { value, threshold } = spec(v, GRADED_DEFAULTS.rouge_n);
  const n = typeof v === 'object' ? (v.n ?? 1) : 1;
  const score = round3(rougeScore(output, value, n));
  return score >= threshold
    ? { passed: true, message: null, score }
    : { passed: false, message: `ROUGE-${n} ${score} against ${show(value)}, below ${threshold}`, score };
};

export const bleu: AssertionHandler<Graded<string | string[]>> = (v, { output }) => {
  const { value, threshold } = spec(v, GRADED_DEFAULTS.bleu);
  const refs = Array.isArray(value) ? value : [value];
  const score = round3(bleuScore(output, refs));
  return score >= threshold
    ? { passed: true, message: null, score }
    : {
        passed: false,
        message: `BLEU ${score} against ${refs.length === 1 ? show(refs[0] ?? '') : `${refs.length} references`}, below ${threshold}`,
        score,
      };
};

export const similar: AssertionHandler<Graded<string> & { model?: string }> = async (v, ctx) => {
  const { value, threshold } = spec(v, GRADED_DEFAULTS.similar);
  const model = typeof v === 'object' ? v.model : undefined;
  const embedded = await ctx.embed([ctx.output, value], model);
  if ('error' in embedded) return fail(`similar: ${embedded.error}`);
  const [a, b] = embedded.vectors;
  const score = round3(cosine(a ?? [], b ?? []));
  return score >= threshold
    ? { passed: true, message: null, score }
    : { passed: false, message: `similarity ${score} to ${show(value)}, below ${threshold}`, score };
};
