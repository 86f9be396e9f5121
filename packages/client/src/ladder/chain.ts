/**
 * Which models a test climbs: a caller override (`--model`, `--tier`,
 * EVAL_TIER) collapses the chain to one model; otherwise the suite's chain in
 * models.yaml, the suite file's own, or `default_chain`. Each entry knows the
 * config field it came from, so configuration errors can name it.
 */
import { type ChainEntryConfig, type ModelsConfig, splitModelRef, TIER_ALIASES, type TierName } from '@gstack/core';
import { UserError } from '../errors.ts';

export interface ChainEntry {
  ref: string;
  /** Accepted without verification (frontier tiers). */
  selfCertify: boolean;
  /** Which rule made selfCertify what it is (recorded on the attempt so pages can say who decided). */
  selfCertifyRule: 'entry' | 'provider' | 'last_tier' | 'only_model' | null;
  /** Where the entry is configured, e.g. `models.yaml: default_chain[1]` or `--model`. */
  field: string;
}

export interface ResolvedChain {
  entries: ChainEntry[];
  /** ladder, model (--model), or the tier name. */
  mode: 'ladder' | 'model' | TierName;
  /** Where the chain is configured, e.g. `models.yaml: default_chain`. */
  field: string;
}

export function resolveTier(name: string, source: string): TierName {
  const tier = TIER_ALIASES[name.toLowerCase()];
  if (!tier) throw new UserError(`${source}: unknown tier "${name}"; expected fast, standard or full (or haiku, sonnet, opus)`);
  return tier;
}

/**
 * Self-certification follows the tier, not the wire protocol: the entry's own
 * `self_certify`, else its provider's, else true for the chain's last tier
 * (nothing stronger is left to verify it against).
 */
function entry(config: ModelsConfig, raw: ChainEntryConfig, isLast: boolean, field: string): ChainEntry {
  const ref = typeof raw === 'string' ? raw : raw.model;
  const explicit = typeof raw === 'string' ? undefined : raw.self_certify;
  const providerDefault = config.providers[splitModelRef(ref).provider]?.self_certify;
  const selfCertify = explicit ?? providerDefault ?? isLast;
  const selfCertifyRule = !selfCertify ? null : explicit !== undefined ? 'entry' : providerDefault !== undefined ? 'provider' : 'last_tier';
  return { ref, selfCertify, selfCertifyRule, field };
}

export function resolveChain(
  config: ModelsConfig,
  suite: { name: string; chain?: ChainEntryConfig[]; file: string },
  override: { model?: string; tier?: string; chain?: string[] },
  modelsFile = 'models.yaml',
): ResolvedChain {
  if (override.chain?.length) {
    const chain = override.chain;
    return { entries: chain.map((c, i) => entry(config, c, i === chain.length - 1, `--model[${i}]`)), mode: 'ladder', field: '--model' };
  }
  if (override.model) {
    return {
      entries: [{ ref: override.model, selfCertify: true, selfCertifyRule: 'only_model', field: '--model' }],
      mode: 'model',
      field: '--model',
    };
  }
  if (override.tier) {
    const tier = resolveTier(override.tier, '--tier');
    const ref = config.tiers[tier];
    if (!ref) throw new UserError(`--tier ${override.tier}: models.yaml has no tiers.${tier}`);
    const field = `${modelsFile}: tiers.${tier}`;
    return { entries: [{ ref, selfCertify: true, selfCertifyRule: 'only_model', field }], mode: tier, field };
  }
  const fromModels = config.suites[suite.name]?.chain;
  const [chain, field] = fromModels
    ? [fromModels, `${modelsFile}: suites.${suite.name}.chain`]
    : suite.chain
      ? [suite.chain, `${suite.file}: defaults.chain`]
      : [config.default_chain, `${modelsFile}: default_chain`];
  if (!chain) throw new UserError(`suite ${suite.name}: no model chain; set default_chain in models.yaml or pass --model provider/model`);
  return {
    entries: chain.map((c, i) => entry(config, c, i === chain.length - 1, `${field}[${i}]`)),
    mode: 'ladder',
    field,
  };
}
