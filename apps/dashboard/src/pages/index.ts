/**
 * Every team page and its route under /t/:slug. Adding a page: write
 * pages/<name>.ts exporting a handler, add a line here (and to TEAM_NAV in
 * ui/layout.ts when it belongs in the navigation).
 */
import type { Handler } from 'hono';
import type { DashboardEnv } from '../env.ts';
import { activePage } from './active.ts';
import { comparePage } from './compare.ts';
import { costsPage } from './costs.ts';
import { escalationPage } from './escalation.ts';
import { leaderboardPage } from './leaderboard.ts';
import { overviewPage } from './overview.ts';
import { problemsPage } from './problems.ts';
import { REVIEW_ACTIONS, reviewPage } from './review.ts';
import { runDetailPage } from './run-detail.ts';
import { runsPage } from './runs.ts';
import { TEAM_ACTIONS, teamAdminPage } from './team-admin.ts';
import { testPage } from './test.ts';
import { testsPage } from './tests.ts';
import { trendsPage } from './trends.ts';

export const TEAM_PAGES: Array<{ path: string; handler: Handler<DashboardEnv> }> = [
  { path: '', handler: overviewPage },
  { path: '/runs', handler: runsPage },
  { path: '/runs/:runId', handler: runDetailPage },
  { path: '/compare', handler: comparePage },
  // Part 2: insights.
  { path: '/trends', handler: trendsPage },
  { path: '/tests', handler: testsPage },
  { path: '/problems', handler: problemsPage },
  { path: '/test', handler: testPage },
  { path: '/costs', handler: costsPage },
  { path: '/escalation', handler: escalationPage },
  { path: '/review', handler: reviewPage },
  { path: '/leaderboard', handler: leaderboardPage },
  { path: '/team', handler: teamAdminPage },
  { path: '/active', handler: activePage },
];

/** Form posts under /t/:slug: team admin (each refuses non-admins itself) and answer reviews (any member). */
export const TEAM_POSTS = [...TEAM_ACTIONS, ...REVIEW_ACTIONS];
