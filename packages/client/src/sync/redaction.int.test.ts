/**
 * Secrets in a pushed run never reach the team store: a result whose output,
 * error and verifier feedback carry the shapes round 3 of the security review
 * found leaking (issue 23, item 3), pushed with the real `gstack-sync push`,
 * read back from the database as the owner.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StandardEvalResultInput } from '@gstack/core';
import { sql, unique } from '@gstack/local-stack/testing';
import { expect, it } from 'vitest';
import { person, run } from '../testing/people.ts';

/** Assembled here, so no key-shaped literal sits in the repository. */
const j = (...parts: string[]) => parts.join('');

/** [text that carries a secret, the secret part that must not reach the store] */
const LEAKS: Array<[string, string]> = [
  [
    j(
      'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=',
      'QXp1cmVTdG9yYWdlS2V5MDEyMzQ1Ng==',
      ';EndpointSuffix=core.windows.net',
    ),
    'QXp1cmVTdG9yYWdlS2V5',
  ],
  [
    j('-----BEGIN PGP PRIVATE', ' KEY BLOCK-----\n\nlQOYBGPGPSECRETMATERIAL\n-----END PGP PRIVATE KEY BLOCK-----'),
    'lQOYBGPGPSECRETMATERIAL',
  ],
  [j('{"headers": {"Authorization": "', 'plainkeywithoutanydigitsatall', '"}}'), 'plainkeywithoutanydigitsatall'],
  [j('//registry.example.com/:_auth=', 'dXNlcjpodW50ZXIyMg=='), 'dXNlcjpodW50ZXIyMg'],
  [j('STRIPE_WEBHOOK whsec', '_', 'abcdefghijklmnopqrstuvwxyz012345'), 'abcdefghijklmnopqrstuvwxyz012345'],
  [j('SENDGRID SG', '.', 'abcdefghijklmnop0123', '.', 'QRSTUVWXYZabcdefghij0123456789'), 'QRSTUVWXYZabcdefghij0123456789'],
  ['Cookie: session=9f8e7d6c5b4a3210; theme=dark', '9f8e7d6c5b4a3210'],
  ['postgres://app:p@ssw0rd-tail@db.internal:5432/prod', 'ssw0rd-tail'],
];

it('redacts every leak shape from outputs, errors and feedback before the push', async () => {
  const team = unique('redact').replace(/_/g, '-').toLowerCase().slice(0, 40);
  const who = await person(team);
  expect((await run('gstack', ['team', 'create', team], who.env)).code).toBe(0);
  const text = LEAKS.map(([t]) => t).join('\n');
  const runId = randomUUID();
  const doc: StandardEvalResultInput = {
    schema_version: 1,
    version: '0.1.0',
    run_id: runId,
    suite: 'secrets',
    tier: 'ladder',
    repo_slug: 'acme-app',
    git: { branch: 'main', sha: 'abc123' },
    hostname: 'laptop',
    timestamp: new Date().toISOString(),
    prompt_sha: 'f'.repeat(64),
    duration_ms: 100,
    totals: { tests: 1, passed: 0, failed: 1, skipped: 0, errors: 0 },
    pass_rate: 0,
    cost_usd: 0,
    judge_cost_usd: 0,
    cost_exact: true,
    costs: [{ model: 'local/qwen', purpose: 'system', calls: 1, cost_usd: 0, exact: true }],
    by_category: { basics: { tests: 1, passed: 0, failed: 1 } },
    all_results: [
      {
        name: 'leaky',
        category: 'basics',
        passed: false,
        resolved_tier: 't1',
        resolved_model: 'local/qwen',
        output: text,
        error: text,
        attempts: [{ attempt: 1, model: 'local/qwen', tier: 't1', duration_ms: 100, verdict: 'accept', feedback: text }],
      },
    ],
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-redact-'));
  const file = path.join(dir, `${runId}.json`);
  writeFileSync(file, JSON.stringify(doc));
  const pushed = await run('gstack-sync', ['push', file], who.env);
  expect(pushed.code, pushed.stderr).toBe(0);

  const rows = await sql<{ output: string; error: string; feedback: string; document: string }>(
    `select run.result #>> '{all_results,0,output}' as output, r.error, a.feedback, run.result::text as document
       from public.eval_runs run
       join public.eval_results r on r.run_id = run.id
       join public.eval_attempts a on a.run_id = run.id and a.test_name = r.test_name
      where run.run_key = $1`,
    [runId],
  );
  expect(rows).toHaveLength(1);
  const stored = rows[0] as { output: string; error: string; feedback: string; document: string };
  for (const field of ['output', 'error', 'feedback', 'document'] as const) {
    for (const [, secret] of LEAKS) expect(stored[field], `${field} keeps ${secret}`).not.toContain(secret);
    // Redacted, not dropped: the rest of the text is still there.
    expect(stored[field]).toContain('AccountName=acme');
    expect(stored[field]).toContain('[REDACTED');
  }
});
