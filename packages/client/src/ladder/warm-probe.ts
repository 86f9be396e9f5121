/**
 * Is the model already loaded? Asked before calling a local tier, so results
 * can tell cold-start latency from model speed. Ollama answers `GET /api/ps`,
 * llama-swap `GET /running` or `GET /v1/models` (every configured model, with
 * a `state`: only `ready` ones count); 200 ms at most, any failure means cold.
 */

const PROBE_TIMEOUT_MS = 200;

function names(body: unknown): string[] {
  const b = body as {
    models?: Array<{ name?: string; model?: string }>;
    running?: Array<{ model?: string; name?: string; state?: string }>;
    data?: Array<{ id?: string; state?: string; status?: string | { value?: string } }>;
  };
  if (Array.isArray(b?.models)) return b.models.flatMap((m) => [m.name, m.model]).filter((x): x is string => typeof x === 'string');
  if (Array.isArray(b?.running))
    return b.running
      .filter((m) => !m.state || m.state === 'ready')
      .flatMap((m) => [m.model, m.name])
      .filter((x): x is string => typeof x === 'string');
  if (Array.isArray(b?.data))
    return b.data
      .filter((m) => {
        const state = m.state ?? (typeof m.status === 'object' ? m.status?.value : m.status);
        // A plain OpenAI-style list (llama.cpp's server) names only the model it serves.
        return !state || state === 'ready' || state === 'loaded';
      })
      .map((m) => m.id)
      .filter((x): x is string => typeof x === 'string');
  return [];
}

async function getJson(url: string, signal: AbortSignal): Promise<unknown> {
  const res = await fetch(url, { signal });
  if (!res.ok) {
    await res.body?.cancel();
    return undefined;
  }
  return res.json();
}

export async function probeWarm(baseUrl: string, model: string): Promise<boolean> {
  const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS);
  const root = baseUrl.replace(/\/+$/, '');
  try {
    const models = root.endsWith('/v1') ? '/models' : '/v1/models';
    for (const endpoint of ['/api/ps', '/running', models]) {
      const body = await getJson(`${root}${endpoint}`, signal);
      if (body === undefined) continue;
      const loaded = names(body);
      return loaded.some((name) => name === model || name.split(':')[0] === model || name === `${model}:latest`);
    }
    return false;
  } catch {
    return false;
  }
}
