/**
 * The cost ledger of a run: every model call's tokens and cost, per model and
 * purpose (the system under test vs judge/verifier calls), exact or estimated.
 */
import { addUsage, type CallCost, type ModelCost, roundUsd, type TokenUsage, ZERO_USAGE } from '@gstack/core';

export type Purpose = 'system' | 'judge';

export class CostLedger {
  private readonly rows = new Map<string, ModelCost>();

  record(model: string, purpose: Purpose, usage: TokenUsage, cost: CallCost): void {
    const key = `${purpose}\u0000${model}`;
    const row = this.rows.get(key) ?? {
      model,
      purpose,
      calls: 0,
      ...ZERO_USAGE,
      cost_usd: 0,
      exact: true,
      unknown_model: false,
      configured_price: false,
      cached_calls: 0,
    };
    const usageTotal = addUsage(row, usage);
    this.rows.set(key, {
      ...row,
      ...usageTotal,
      calls: row.calls + 1,
      cost_usd: roundUsd(row.cost_usd + cost.cost_usd),
      exact: row.exact && cost.exact,
      unknown_model: row.unknown_model || cost.unknown_model,
      configured_price: row.configured_price || Boolean(cost.configured),
    });
  }

  /** A call answered from the response cache: counted apart, $0. */
  recordCached(model: string, purpose: Purpose): void {
    const key = `${purpose}\u0000${model}`;
    const row = this.rows.get(key) ?? {
      model,
      purpose,
      calls: 0,
      ...ZERO_USAGE,
      cost_usd: 0,
      exact: true,
      unknown_model: false,
      configured_price: false,
      cached_calls: 0,
    };
    this.rows.set(key, { ...row, cached_calls: row.cached_calls + 1 });
  }

  /** Starts from an earlier run's costs (a resumed run, or one retrying its errored tests, carries that run's tests). */
  seed(costs: ModelCost[]): void {
    for (const c of costs) this.rows.set(`${c.purpose}\u0000${c.model}`, { ...c });
  }

  costs(): ModelCost[] {
    return [...this.rows.values()].sort((a, b) => b.cost_usd - a.cost_usd || a.model.localeCompare(b.model));
  }

  total(purpose?: Purpose): number {
    return this.costs()
      .filter((c) => !purpose || c.purpose === purpose)
      .reduce((sum, c) => sum + c.cost_usd, 0);
  }

  calls(purpose?: Purpose): number {
    return this.costs()
      .filter((c) => !purpose || c.purpose === purpose)
      .reduce((sum, c) => sum + c.calls, 0);
  }
}
