/**
 * Which models a test climbs: a caller override (`--model`, `--tier`,
 * EVAL_TIER) collapses the chain to one model; otherwise the suite's chain in
 * models.yaml, the suite file's own, or `default_chain`.
 */
import { type ChainEntryConfig, type ModelsConfig, splitModelRef, TIER_ALIASES, type TierName } from '@gstack/core';
import { UserError } from '../errors.ts';

export interface ChainEntry {
  ref: string;
  /** Accepted without verification (frontier tiers). */
  selfCertify: boolean;
}

export interface ResolvedChain {
  entries: ChainEntry[];
  /** ladder, model (--model), or the tier name. */
  mode: 'ladder' | 'model' | TierName;
}

export function resolveTier(name: string, source: string): TierName {
  const tier = TIER_ALIASES[name.toLowerCase()];
  if (!tier) throw new UserError(`${source}: unknown tier "${name}"; expected fast, standard or full (or haiku, sonnet, opus)`);
  return tier;
}

function entry(config: ModelsConfig, raw: ChainEntryConfig): ChainEntry {
  const ref = typeof raw === 'string' ? raw : raw.model;
  const explicit = typeof raw === 'string' ? undefined : raw.self_certify;
  const { provider } = splitModelRef(ref);
  const type = config.providers[provider]?.type ?? provider;
  return { ref, selfCertify: explicit ?? type === 'anthropic' };
}

export function resolveChain(
  config: ModelsConfig,
  suite: { name: string; chain?: ChainEntryConfig[] },
  override: { model?: string; tier?: string },
): ResolvedChain {
  if (override.model) return { entries: [{ ref: override.model, selfCertify: true }], mode: 'model' };
  if (override.tier) {
    const tier = resolveTier(override.tier, '--tier');
    const ref = config.tiers[tier];
    if (!ref) throw new UserError(`--tier ${override.tier}: models.yaml has no tiers.${tier}`);
    return { entries: [{ ref, selfCertify: true }], mode: tier };
  }
  const chain = config.suites[suite.name]?.chain ?? suite.chain ?? config.default_chain;
  if (!chain) throw new UserError(`suite ${suite.name}: no model chain; set default_chain in models.yaml or pass --model provider/model`);
  return { entries: chain.map((c) => entry(config, c)), mode: 'ladder' };
}
