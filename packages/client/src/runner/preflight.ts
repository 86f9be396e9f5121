/**
 * Configuration checks made before any model is called: every model the run
 * may call has a provider and its API key, and a ladder can actually verify
 * its cheap tiers. Each problem names the file and the field; all of them are
 * reported at once as one UserError (exit code 2), so a run never spends money
 * on a configuration that was going to fail.
 */
import { isDeterministic } from '../assertions/index.ts';
import { findPython } from '../assertions/python.ts';
import type { LoadedSuite } from '../config/load.ts';
import { UserError } from '../errors.ts';
import type { ResolvedChain } from '../ladder/chain.ts';
import type { ProviderSet } from '../providers/index.ts';

/** A model the run may call and the config field that names it. */
export interface ModelUse {
  ref: string;
  field: string;
}

/** The judge models the suite's tests name themselves. */
export function testJudgeModels(loaded: LoadedSuite): ModelUse[] {
  return loaded.suite.tests.flatMap((test) =>
    test.expect.flatMap((a, j) =>
      a.type === 'judge' && typeof a.value !== 'string' && a.value.model
        ? [{ ref: a.value.model, field: `${loaded.file}: test "${test.name}": expect[${j}].judge.model` }]
        : [],
    ),
  );
}

/**
 * The embeddings models `similar` assertions will call (their own `model`, else models.yaml's
 * `embedding`); an assertion with neither is a problem.
 */
function embeddingUses(loaded: LoadedSuite, embedding: string | undefined, modelsFile: string): { uses: ModelUse[]; problems: string[] } {
  const uses: ModelUse[] = [];
  const problems: string[] = [];
  for (const test of loaded.suite.tests)
    test.expect.forEach((a, j) => {
      if (a.type !== 'similar') return;
      const field = `${loaded.file}: test "${test.name}": expect[${j}].similar`;
      const own = typeof a.value === 'string' ? undefined : a.value.model;
      if (own) uses.push({ ref: own, field: `${field}.model` });
      else if (embedding) uses.push({ ref: embedding, field: `${modelsFile}: embedding` });
      else problems.push(`${field}: needs an embeddings model: give it a model, or set embedding: provider/model in ${modelsFile}`);
    });
  return { uses, problems: [...new Set(problems)] };
}

/** Python assertions need python3 on PATH: said before any call, not as every test failing. */
function pythonProblems(loaded: LoadedSuite): string[] {
  const uses = loaded.suite.tests.filter((t) => t.expect.some((a) => a.type === 'python'));
  if (!uses.length || findPython()) return [];
  return [`${loaded.file}: test "${uses[0]?.name}" has python assertions, which need python3 on PATH; it was not found`];
}

function providerProblems(providers: ProviderSet, uses: ModelUse[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const use of uses) {
    try {
      providers.provider(use.ref);
      const missing = providers.missingKey(use.ref);
      if (missing) problems.push(`${use.field}: ${use.ref} needs an API key in the environment variable ${missing}, which is not set`);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      const line = `${use.field}: ${error.message}`;
      if (!seen.has(line)) problems.push(line);
      seen.add(line);
    }
  }
  return problems;
}

/**
 * A ladder whose cheap tiers nothing can reject stays on tier 1 silently:
 * with no verifier, every tier but self-certifying ones needs every test to
 * carry a deterministic assertion, unless `verifier: none` says it is meant.
 */
function unverifiableLadder(input: PreflightInput): string[] {
  const { chain, verifier, loaded, modelsFile } = input;
  if (chain.mode !== 'ladder' || verifier || input.verifierNone) return [];
  const unverified = chain.entries.slice(0, -1).filter((e) => !e.selfCertify);
  if (!unverified.length) return [];
  const unchecked = loaded.suite.tests.filter((t) => !t.expect.some(isDeterministic)).map((t) => `"${t.name}"`);
  if (!unchecked.length) return [];
  const shown = unchecked.length > 5 ? `${unchecked.slice(0, 5).join(', ')} and ${unchecked.length - 5} more` : unchecked.join(', ');
  return [
    `${chain.field}: a chain of ${chain.entries.length} models but no verifier, and test(s) ${shown} have no deterministic assertion, ` +
      `so ${unverified.map((e) => e.ref).join(', ')} would be accepted unchecked and never escalate. ` +
      `Set verifier: provider/model in ${modelsFile}, or verifier: none to accept them on purpose.`,
  ];
}

export interface PreflightInput {
  loaded: LoadedSuite;
  modelsFile: string;
  chain: ResolvedChain;
  /** The verifier the ladder will call (undefined for none). */
  verifier: string | undefined;
  /** models.yaml says `verifier: none`: unverified tiers are meant. */
  verifierNone: boolean;
  /** The default judge model, when some judge assertion relies on it. */
  judge?: ModelUse;
  /** models.yaml's `embedding`: the model of `similar` assertions that name none. */
  embedding?: string;
  providers: ProviderSet;
}

/** Throws one UserError listing every configuration problem; returns when there is none. */
export function preflight(input: PreflightInput): void {
  const { chain, loaded, modelsFile, providers, verifier } = input;
  const embeddings = embeddingUses(loaded, input.embedding, modelsFile);
  const uses: ModelUse[] = [
    ...chain.entries.map((e) => ({ ref: e.ref, field: e.field })),
    ...(verifier ? [{ ref: verifier, field: `${modelsFile}: verifier` }] : []),
    ...(input.judge ? [input.judge] : []),
    ...testJudgeModels(loaded),
    ...embeddings.uses,
  ];
  const problems = [...providerProblems(providers, uses), ...unverifiableLadder(input), ...embeddings.problems, ...pythonProblems(loaded)];
  if (problems.length) throw new UserError(problems.join('\n'));
}
