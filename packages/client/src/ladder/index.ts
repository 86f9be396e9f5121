/**
 * The model escalation ladder for one test: each tier generates; a cheap tier's
 * answer is verified (the test's deterministic assertions first, for free, then
 * the LLM verifier if one is configured); on acceptance the ladder stops. On a
 * rejection the checks' and the verifier's feedback go to the next tier as
 * "prior attempt feedback"; errors (transport, empty answers, verifier
 * failures) are recorded on the attempt but are not the next model's business.
 * Frontier tiers self-certify. Every attempt is recorded, a rejected one with
 * its (bounded) answer so the verifier can be audited, and with the rule or
 * check that decided it. The audit sample: an answer that failed the
 * assertions is, when picked, also shown to the verifier; its verdict is
 * recorded (`verifier.audit`) but changes nothing, so false accepts can be
 * measured where assertions exist.
 */
import { createHash } from 'node:crypto';
import {
  type Assertion,
  boundText,
  callCost,
  type EvalAttempt,
  type Message,
  type ModelOptions,
  type Price,
  splitModelRef,
  TEXT_LIMIT,
  ZERO_USAGE,
} from '@gstack/core';
import { describeAssertion, isDeterministic, runAssertion } from '../assertions/index.ts';
import { ResponseCache } from '../cache/responses.ts';
import { type GraderContext, verify } from '../judge/grader.ts';
import type { ProviderResult, ProviderSet } from '../providers/index.ts';
import type { ResolvedChain } from './chain.ts';
import { probeWarm } from './warm-probe.ts';

export interface LadderContext {
  providers: ProviderSet;
  grader: GraderContext;
  /** The LLM verifier (models.yaml `verifier`), if any. */
  verifier?: string;
  /**
   * The audit sample: whether the verifier should also judge this tier's answer when it already
   * failed the deterministic assertions (models.yaml `verifier_audit_rate`; see auditPicks).
   */
  audit?: (tier: string) => boolean;
  /** Provider name → URL to probe before calling a local tier. */
  warmProbes: Record<string, string>;
  pricing: Record<string, Price>;
  timeoutMs: number;
  /** The test's model options (defaults.options under its own). */
  options?: ModelOptions;
  signal?: AbortSignal;
  /** Called when a tier starts, for progress display. */
  onTier?: (tier: string, model: string) => void;
  /** The model response cache, when the run uses it. */
  responses?: ResponseCache;
  /** The test's name and vars, for `javascript` and `python` checks of a tier's answer. */
  test?: { name: string; vars: Record<string, string | number | boolean> };
}

export interface LadderOutcome {
  /** The accepted attempt's answer, or the best answer when every tier was rejected; null when no tier gave one. */
  output: string | null;
  /** Some model was reached and replied (an empty reply counts): false means every call failed. */
  reached: boolean;
  /** The attempt whose answer is `output`. */
  final: EvalAttempt | null;
  accepted: boolean;
  attempts: EvalAttempt[];
  /** One line per rejected or failed tier. */
  reasons: string[];
  /** What the ladder's own calls cost (generation; verifier calls are judge cost). */
  systemCostUsd: number;
  verifierCostUsd: number;
  latencyMs: number;
}

/**
 * Whether `key` (suite, test, trial, tier, run) falls in an audit sample of `rate` (0..1):
 * a hash, so the same run picks the same answers and a rate of 0.25 picks a quarter of them.
 */
export function auditPicks(key: string, rate: number): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32 < rate;
}

/** A rejected attempt's answer is kept up to this many characters (core's TEXT_LIMIT, like inputs). */
export const ANSWER_LIMIT = TEXT_LIMIT;

/** The conversation with the prior tiers' feedback appended to the last user message. */
export function withFeedback(messages: Message[], feedback: string[]): Message[] {
  if (!feedback.length) return messages;
  const note = `\n\nPrior attempt feedback:\n${feedback.map((f) => `- ${f}`).join('\n')}\nAddress this feedback in your answer.`;
  const lastUser = messages.map((m) => m.role).lastIndexOf('user');
  return messages.map((m, i) => (i === lastUser ? { ...m, content: m.content + note } : m));
}

export async function runLadder(
  chain: ResolvedChain,
  messages: Message[],
  assertions: Assertion[],
  ctx: LadderContext,
): Promise<LadderOutcome> {
  const attempts: EvalAttempt[] = [];
  const feedback: string[] = [];
  const reasons: string[] = [];
  const outputs = new Map<number, string>();
  let systemCostUsd = 0;
  let verifierCostUsd = 0;
  let latencyMs = 0;
  let reached = false;
  const deterministic = assertions.filter(isDeterministic);
  const verifyTiers = chain.entries.length > 1;
  const outcome = (output: string | null, final: EvalAttempt | null, accepted: boolean): LadderOutcome => ({
    output,
    reached,
    final,
    accepted,
    attempts,
    reasons,
    systemCostUsd,
    verifierCostUsd,
    latencyMs,
  });

  for (const [index, entry] of chain.entries.entries()) {
    const tier = `t${index + 1}`;
    const { provider: providerName, model } = splitModelRef(entry.ref);
    ctx.onTier?.(tier, entry.ref);
    const provider = ctx.providers.provider(entry.ref);
    const probeUrl = ctx.warmProbes[providerName];
    const sent = withFeedback(messages, feedback);
    const cacheKey = ctx.responses
      ? await ResponseCache.key({ provider: ctx.providers.identity(entry.ref), model, messages: sent, options: ctx.options })
      : undefined;
    const hit = cacheKey ? await ctx.responses?.get(cacheKey) : undefined;
    // A cached answer needs no server: no warm probe, no call, no tokens.
    const warm = !hit && provider.local && probeUrl ? await probeWarm(probeUrl, model) : null;
    const result: ProviderResult = hit
      ? { output: hit.output, usage: { ...ZERO_USAGE }, latencyMs: 0, retries: 0 }
      : await provider.call({ model, messages: sent, timeoutMs: ctx.timeoutMs, options: ctx.options, signal: ctx.signal });
    if (cacheKey && !hit && !result.error) await ctx.responses?.put(cacheKey, entry.ref, result.output, result.usage);
    latencyMs += result.latencyMs;
    const cost = hit
      ? { cost_usd: 0, exact: true, unknown_model: false }
      : callCost(entry.ref, result.usage, result.reportedCostUsd, {
          overrides: ctx.pricing,
          local: provider.local,
          free: provider.free,
        });
    if (hit) ctx.grader.ledger.recordCached(entry.ref, 'system');
    else if (!result.error) {
      ctx.grader.ledger.record(entry.ref, 'system', result.usage, cost);
      systemCostUsd += cost.cost_usd;
    }
    const attempt: EvalAttempt = {
      attempt: index + 1,
      model: entry.ref,
      tier,
      duration_ms: result.latencyMs,
      warm,
      verdict: 'accept',
      feedback: null,
      self_certified: false,
      self_certify_rule: null,
      ...result.usage,
      cost_usd: result.error ? 0 : cost.cost_usd,
      cost_exact: result.error ? true : cost.exact,
      verifier: null,
      answer: null,
      assertions_passed: null,
      cached: Boolean(hit),
    };
    attempts.push(attempt);

    // An empty answer is no answer: the call was made (and is paid for) but the ladder moves on.
    if (!result.error) reached = true;
    const error = result.error ?? (result.output.trim() ? undefined : 'empty answer');
    if (error) {
      attempt.verdict = 'error';
      attempt.feedback = error;
      reasons.push(`${tier} ${entry.ref}: error: ${error}`);
      continue;
    }
    outputs.set(index, result.output);

    if (!verifyTiers || entry.selfCertify) {
      attempt.self_certified = verifyTiers && entry.selfCertify;
      attempt.self_certify_rule = verifyTiers ? entry.selfCertifyRule : 'only_model';
      return outcome(result.output, attempt, true);
    }

    // Free checks first: the test's own deterministic assertions.
    const failed: string[] = [];
    for (const assertion of deterministic) {
      const check = await runAssertion(assertion, {
        output: result.output,
        latencyMs: result.latencyMs,
        costUsd: attempt.cost_usd,
        prompt: messages,
        judge: async () => ({ error: 'not used' }),
        embed: async () => ({ error: 'not used' }),
        codeContext: () => ({
          vars: ctx.test?.vars ?? {},
          prompt: messages,
          test: ctx.test?.name ?? '',
          latency_ms: result.latencyMs,
          cost_usd: attempt.cost_usd,
        }),
      });
      if (!check.passed) failed.push(check.message ?? assertion.type);
    }
    attempt.assertions_passed = deterministic.length ? failed.length === 0 : null;
    let rejection = failed.length ? failed.join('; ') : undefined;
    // Only feedback about the answer is passed on, never the verifier's own failure.
    let forNextTier = rejection;

    const audit = Boolean(rejection) && ctx.audit?.(tier) === true;
    if (ctx.verifier && (!rejection || audit)) {
      const requirements = assertions.length ? assertions.map(describeAssertion).join('\n') : '- a correct, complete answer to the task';
      const verdict = await verify(ctx.grader, ctx.verifier, requirements, messages, result.output);
      verifierCostUsd += verdict.cost_usd;
      attempt.verifier = {
        model: ctx.verifier,
        cached: verdict.cached,
        cost_usd: verdict.cost_usd,
        saved_usd: verdict.saved_usd ?? null,
        accept: verdict.value?.accept ?? false,
        audit,
        error: !verdict.value,
        feedback: verdict.value?.feedback || null,
      };
      // An audit verdict is recorded only: the assertions already decided.
      if (!audit) {
        if (!verdict.value) rejection = `verifier error: ${verdict.error}`;
        else if (!verdict.value.accept) rejection = forNextTier = verdict.value.feedback || 'the verifier rejected the answer';
      }
    }

    if (!rejection) return outcome(result.output, attempt, true);
    attempt.verdict = 'escalate';
    attempt.feedback = rejection;
    attempt.answer = boundText(result.output, ANSWER_LIMIT);
    if (forNextTier) feedback.push(`${entry.ref}: ${forNextTier}`);
    reasons.push(`${tier} ${entry.ref}: ${rejection}`);
  }

  // Exhausted: the best attempt is the strongest tier that produced an answer.
  const bestIndex = [...outputs.keys()].pop();
  const best = bestIndex === undefined ? null : (attempts[bestIndex] ?? null);
  return outcome(bestIndex === undefined ? null : (outputs.get(bestIndex) ?? null), best, false);
}
