/**
 * Is the model already loaded? Asked before calling a local tier, so results
 * can tell cold-start latency from model speed. Ollama answers `GET /api/ps`,
 * llama-swap `GET /running`; 200 ms at most, and any failure means cold.
 */

const PROBE_TIMEOUT_MS = 200;

function names(body: unknown): string[] {
  const b = body as {
    models?: Array<{ name?: string; model?: string }>;
    running?: Array<{ model?: string; name?: string; state?: string }>;
  };
  if (Array.isArray(b?.models)) return b.models.flatMap((m) => [m.name, m.model]).filter((x): x is string => typeof x === 'string');
  if (Array.isArray(b?.running))
    return b.running
      .filter((m) => !m.state || m.state === 'ready')
      .flatMap((m) => [m.model, m.name])
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
    for (const endpoint of ['/api/ps', '/running']) {
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
