/** The benchmark scenarios, in the order they run. */
import type { BenchContext } from '../context.ts';
import type { ScenarioResult } from '../report.ts';
import { alertsScenario } from './alerts.ts';
import { cliStartupScenario } from './cli-startup.ts';
import { economicsScenario } from './economics.ts';
import { engineScenario } from './engine.ts';
import { judgeCacheScenario } from './judge-cache.ts';
import { pushScenario } from './push.ts';
import { rpcScenario } from './rpc.ts';

/** What a scenario returns; the harness adds its id, title and duration. */
export type ScenarioOutput = Omit<ScenarioResult, 'id' | 'title' | 'seconds'>;

export interface Scenario {
  id: string;
  title: string;
  run(context: BenchContext): Promise<ScenarioOutput>;
}

export const SCENARIOS: Scenario[] = [
  pushScenario,
  rpcScenario,
  alertsScenario,
  engineScenario,
  judgeCacheScenario,
  cliStartupScenario,
  economicsScenario,
];
