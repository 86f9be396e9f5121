/**
 * The one team-id cache: a connection looks its team up once, whoever asks
 * (push, heartbeat, team commands, analytics), and a failed lookup is not
 * remembered. A small HTTP server stands in for the store's REST API (the
 * network boundary) and counts the lookups.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthStore } from './auth-store.ts';
import { type Connection, resolveTeamId, teamId } from './connection.ts';
import { createSupabase } from './supabase.ts';

let server: http.Server;
let url = '';
const lookups: string[] = [];
/** What the next lookups answer: the HTTP status (a 503 is the store being down). */
const answers: number[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    lookups.push(req.url ?? '');
    const status = answers.shift() ?? 200;
    const single = String(req.headers.accept).includes('vnd.pgrst.object');
    const row = req.url?.includes('slug=eq.acme') ? { id: 'team-acme' } : undefined;
    res.writeHead(status, { 'content-type': 'application/json' });
    if (status !== 200) res.end(JSON.stringify({ message: 'down', code: 'PGRST000' }));
    else res.end(JSON.stringify(single ? (row ?? null) : row ? [row] : []));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function connection(team: string): Connection {
  return {
    config: { repoRoot: '.', file: '.gstack-sync.json', fileExists: false },
    url,
    team,
    client: createSupabase({ url, key: 'sb_publishable_test' }),
    auth: new AuthStore('/nonexistent/auth.json'),
    mode: 'user',
    user: { id: 'u1', email: 'ada@example.com' },
  };
}

describe('team id', () => {
  it('is looked up once per connection, however many callers ask at once', async () => {
    lookups.length = 0;
    const acme = connection('acme');
    const ids = await Promise.all([resolveTeamId(acme), teamId(acme), teamId(acme)]);
    expect(ids).toEqual([{ data: 'team-acme', error: null }, 'team-acme', 'team-acme']);
    expect(await teamId(acme)).toBe('team-acme');
    expect(lookups).toHaveLength(1);
    // Another connection has its own answer.
    await teamId(connection('acme'));
    expect(lookups).toHaveLength(2);
  });

  it('does not remember a failed lookup: the next call asks again', async () => {
    lookups.length = 0;
    answers.push(503);
    const acme = connection('acme');
    const first = await resolveTeamId(acme);
    expect(first.error?.kind).toBe('unreachable');
    expect(await teamId(acme)).toBe('team-acme');
    expect(lookups).toHaveLength(2);
  });

  it('says when the team is unknown or you are not a member, as a refusal', async () => {
    const { data, error } = await resolveTeamId(connection('other'));
    expect(data).toBeNull();
    expect(error?.kind).toBe('refused');
    expect(error?.message).toBe('team "other" not found, or you are not a member (ask an admin for an invite: gstack team invite)');
  });
});
