/**
 * Every team page and its route under /t/:slug. Adding a page: write
 * pages/<name>.ts exporting a handler, add a line here (and to TEAM_NAV in
 * ui/layout.ts when it belongs in the navigation).
 */
import type { Handler } from 'hono';
import type { DashboardEnv } from '../env.ts';
import { comparePage } from './compare.ts';
import { overviewPage } from './overview.ts';
import { runDetailPage } from './run-detail.ts';
import { runsPage } from './runs.ts';

export const TEAM_PAGES: Array<{ path: string; handler: Handler<DashboardEnv> }> = [
  { path: '', handler: overviewPage },
  { path: '/runs', handler: runsPage },
  { path: '/runs/:runId', handler: runDetailPage },
  { path: '/compare', handler: comparePage },
];
