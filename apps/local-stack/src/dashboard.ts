/**
 * Runs the team dashboard (apps/dashboard, Node entry) beside `npm start`'s
 * stack, on the layout's dashboard port, signed in through the stack's own
 * auth; records its URL as DASHBOARD_URL in stack.env.
 */
import { appendFile } from 'node:fs/promises';
import { type RunningDashboard, startDashboard } from '@gstack/dashboard/node';
import type { StackInfo } from './index.ts';

export async function startStackDashboard(info: StackInfo): Promise<RunningDashboard> {
  const dashboard = await startDashboard({
    port: info.ports.dashboard,
    supabaseUrl: info.apiUrl,
    supabaseKey: info.publishableKey,
    // The stack's /authorize page stands in for the provider, so the PKCE button works locally.
    providers: ['github'],
  });
  await appendFile(info.envFile, `DASHBOARD_URL=${dashboard.url}\n`);
  return dashboard;
}
