/** Resolves /t/:slug to a team the user belongs to (RLS decides); anything else is a 404. */
import type { MiddlewareHandler } from 'hono';
import { storeFailed } from './data.ts';
import type { DashboardEnv } from './env.ts';
import { notFound } from './errors.ts';

export const loadTeam: MiddlewareHandler<DashboardEnv> = async (c, next) => {
  const slug = c.req.param('slug') ?? '';
  if (!/^[a-z0-9][a-z0-9-]{0,48}[a-z0-9]$/.test(slug)) throw notFound('This team');
  const { data, error } = await c.var.supabase.from('teams').select('id, slug, name').eq('slug', slug).maybeSingle();
  if (error) throw storeFailed('Reading the team', error);
  if (!data) throw notFound('This team');
  c.set('team', data);
  await next();
};
