import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { isStackError } from './errors.ts';
import { assertPortsFree, findFreePortBase, isPortBaseFree, isPortFree, portLayout, suggestPortBase } from './ports.ts';

describe('port layout', () => {
  it('puts the API on the base and the database right after it, like Supabase', () => {
    const layout = portLayout(54321);
    expect(layout.api).toBe(54321);
    expect(layout.db).toBe(54322);
    const all = [layout.api, layout.db, layout.postgrest, layout.postgrestAdmin, layout.slackSink, layout.dashboard];
    expect(layout.dashboard).toBe(54326);
    expect(new Set(all).size).toBe(all.length);
  });

  it('names a taken port and how to get around it', async () => {
    const base = await findFreePortBase();
    const port = portLayout(base).db;
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      expect(await isPortFree(port)).toBe(false);
      const caught = await assertPortsFree(portLayout(base), base).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isStackError(caught)).toBe(true);
      expect((caught as Error).message).toBe(`Port ${port} (Postgres) is already in use.`);
      const suggested = Number(/--port-base (\d+) \(free right now\)/.exec((caught as { fix: string }).fix)?.[1]);
      expect(suggested).toBeGreaterThan(base);
      expect(await isPortBaseFree(suggested)).toBe(true);
    } finally {
      server.close();
    }
  });

  it('suggests a base whose ports are all free, skipping one that is taken', async () => {
    const base = await findFreePortBase();
    const blocker = net.createServer();
    // The next base up has one port taken (not its first): it must be skipped.
    await new Promise<void>((resolve) => blocker.listen(portLayout(base + 100).slackSink, '127.0.0.1', resolve));
    try {
      const suggested = await suggestPortBase(base);
      expect(suggested).toBeDefined();
      expect(suggested).not.toBe(base + 100);
      expect(await isPortBaseFree(suggested ?? 0)).toBe(true);
    } finally {
      blocker.close();
    }
  });
});
