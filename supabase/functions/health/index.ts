/**
 * health: a liveness and configuration probe for a deployment. Answers
 * `{status, database}`: whether the function runs and can reach the REST API
 * with the project's anon key. `gstack-sync test` calls it.
 */

const startedAt = new Date().toISOString();

Deno.serve(async (req: Request): Promise<Response> => {
  if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
  const url = Deno.env.get('SUPABASE_URL');
  const key = Deno.env.get('SUPABASE_ANON_KEY');
  let database: 'ok' | 'unreachable' | 'unconfigured' = 'unconfigured';
  if (url && key) {
    try {
      const res = await fetch(`${url}/rest/v1/`, { headers: { apikey: key }, signal: AbortSignal.timeout(3000) });
      await res.body?.cancel();
      database = res.ok ? 'ok' : 'unreachable';
    } catch {
      database = 'unreachable';
    }
  }
  const body = { status: database === 'ok' ? 'ok' : 'degraded', database, started_at: startedAt };
  return Response.json(body, { status: database === 'ok' ? 200 : 503, headers: cors });
});

const cors = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, x-client-info, apikey, content-type',
};
