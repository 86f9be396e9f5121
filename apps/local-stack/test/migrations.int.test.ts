import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultProjectRoot, findFreePortBase, isStackError, portLayout, startStack } from '../src/index.ts';
import { isPortFree } from '../src/ports.ts';

describe('applying migrations', () => {
  it('fails start-up with the failing migration named, and stops what it started', async () => {
    const project = await mkdtemp(path.join(os.tmpdir(), 'gstack-broken-project-'));
    await chmod(project, 0o755);
    mkdirSync(path.join(project, 'supabase', 'migrations'), { recursive: true });
    cpSync(path.join(defaultProjectRoot(), 'supabase', 'config.toml'), path.join(project, 'supabase', 'config.toml'));
    writeFileSync(path.join(project, 'supabase', 'migrations', '20260101000000_good.sql'), 'create table public.fine (id int);\n');
    writeFileSync(path.join(project, 'supabase', 'migrations', '20260102000000_broken.sql'), 'create table public.window (window int);\n');

    const lines: string[] = [];
    const portBase = await findFreePortBase();
    const caught = await startStack({
      projectRoot: project,
      dataDir: path.join(project, '.data'),
      portBase,
      ephemeral: true,
      log: (line) => lines.push(line),
    }).then(
      (stack) => stack.stop(),
      (error: unknown) => error,
    );
    expect(isStackError(caught)).toBe(true);
    expect((caught as Error).message).toContain('Applying migrations failed');
    expect((caught as Error).message).toContain('20260102000000_broken.sql');
    expect((caught as Error).message).toMatch(/syntax error at or near "window"/);
    expect(await isPortFree(portLayout(portBase).db)).toBe(true);
    await rm(project, { recursive: true, force: true });
  });
});
