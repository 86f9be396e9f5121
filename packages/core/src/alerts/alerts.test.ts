import { describe, expect, it } from 'vitest';
import { clip, clipWords, escapeSlack, SLACK_LIMITS } from './blocks.ts';
import { retryAfterSeconds } from './deliver.ts';
import { buildDigest, type DigestWeekData, digestMessage, digestText, isWeekStart, previousWeekStart } from './digest.ts';
import { type AlertContext, branchAlerts, decideRunAlert } from './regression.ts';
import { compareLink, recoveryMessage, regressionMessage, rollupMessage, runLink } from './regression-message.ts';
import { isAllowedSlackWebhook } from './slack-url.ts';

/** A Slack-webhook-shaped URL built from parts, so no literal in the repository looks like a real hook. */
const hook = (origin: string, path = 'T0/B0/x') => [origin, '/services/', path].join('');

const NOW = new Date('2026-11-22T12:00:00Z');

function ctx(
  over: Partial<AlertContext> & { pass_rate?: number | null; earlier?: AlertContext['earlier']; hoursAgo?: number } = {},
): AlertContext {
  return {
    run: {
      id: 'run-1',
      team_id: 'team-1',
      repo_slug: 'acme-app',
      suite: 'smoke',
      branch: 'main',
      git_sha: 'abcdef1234567890',
      run_at: new Date(NOW.getTime() - (over.hoursAgo ?? 0) * 3_600_000).toISOString(),
      pass_rate: over.pass_rate === undefined ? 50 : over.pass_rate,
      cost_usd: 0.2,
      total_tests: 4,
      passed: 2,
      failed: 2,
      pushed_by: 'Alice',
    },
    earlier: over.earlier ?? [
      { id: 'e1', pass_rate: 100, cost_usd: 0.1 },
      { id: 'e2', pass_rate: 100, cost_usd: 0.1 },
    ],
    failing: over.failing ?? [{ name: 'a', error: null, history: [true, true] }],
    settings: over.settings ?? { slack_webhook_url: hook('https://hooks.slack.com'), alert_threshold_pp: 5, dashboard_url: null },
    episode: over.episode ?? null,
  };
}

function episode(baseline: number, tests: string[], fixed: string[] = []): NonNullable<AlertContext['episode']> {
  return {
    baseline,
    opened_at: NOW.toISOString(),
    tests: Object.fromEntries(tests.map((t) => [t, { since: '2026-11-21T09:00:00Z', run_id: 'r0' }])),
    fixed,
  };
}

describe('decideRunAlert', () => {
  const rates = (...xs: number[]) => xs.map((p, i) => ({ id: `e${i}`, pass_rate: p, cost_usd: 0 }));
  it.each([
    ['stale run (25 h old)', { hoursAgo: 25 }, 'stale'],
    ['run just under 24 h', { hoursAgo: 23.9 }, 'regression'],
    ['no pass rate', { pass_rate: null }, 'none'],
    ['one earlier run only', { earlier: rates(100) }, 'none'],
    ['drop of exactly the threshold', { pass_rate: 95, earlier: rates(100, 100) }, 'none'],
    ['drop just over the threshold', { pass_rate: 94.99, earlier: rates(100, 100) }, 'regression'],
    ['team threshold 60 pp', { settings: { slack_webhook_url: null, alert_threshold_pp: 60, dashboard_url: null } }, 'none'],
    ['alerting and back at the mean', { pass_rate: 90, earlier: rates(50, 90), episode: episode(90, ['a']) }, 'recovery'],
    ['alerting, still below', { pass_rate: 89, earlier: rates(50, 90), episode: episode(90, ['a']) }, 'ongoing'],
    ['not alerting, good run', { pass_rate: 100, earlier: rates(100, 100) }, 'none'],
  ] as const)('%s → %s', (_name, over, kind) => {
    expect(decideRunAlert(ctx(over as Parameters<typeof ctx>[0]), NOW).kind).toBe(kind);
  });

  it('names newly failing tests and lists flaky ones apart', () => {
    const decision = decideRunAlert(
      ctx({
        failing: [
          { name: 'new', error: 'boom', history: [true, true] },
          { name: 'flaky', error: null, history: [true, false, true] },
          { name: 'always', error: null, history: [false, false] },
          { name: 'brand-new', error: null, history: [] },
        ],
      }),
      NOW,
    );
    if (decision.kind !== 'regression') throw new Error(decision.kind);
    expect(decision.newlyFailing.map((t) => t.name)).toEqual(['new']);
    expect(decision.flaky.map((t) => t.name)).toEqual(['flaky']);
    expect(decision).toMatchObject({ opens: true, baseline: 100, drop: 50, baselineRuns: 2, costBaseline: 0.1 });
  });

  const failing = (...names: string[]) => names.map((name) => ({ name, error: null, history: [true, true, true] }));

  it('an open episode: the same tests still failing are ongoing, a new one joins named alone', () => {
    const same = decideRunAlert(ctx({ pass_rate: 50, failing: failing('a', 'b'), episode: episode(100, ['a', 'b']) }), NOW);
    expect(same).toEqual({ kind: 'ongoing', baseline: 100, still: ['a', 'b'] });
    const more = decideRunAlert(ctx({ pass_rate: 25, failing: failing('a', 'b', 'c'), episode: episode(100, ['a', 'b']) }), NOW);
    if (more.kind !== 'regression') throw new Error(more.kind);
    expect(more).toMatchObject({ opens: false, baseline: 100, drop: 75 });
    expect(more.newlyFailing.map((t) => t.name)).toEqual(['c']);
  });

  it('a drop only flaky tests explain opens nothing; a flaky test never joins an episode', () => {
    const flaky = [{ name: 'f', error: null, history: [true, false, true, false, true] }];
    expect(decideRunAlert(ctx({ pass_rate: 50, failing: flaky }), NOW)).toMatchObject({ kind: 'none', reason: 'no_newly_failing' });
    expect(decideRunAlert(ctx({ pass_rate: 25, failing: [...flaky, ...failing('a')], episode: episode(100, ['a']) }), NOW).kind).toBe(
      'ongoing',
    );
  });

  it('recovery lists what was fixed and what still fails', () => {
    const decision = decideRunAlert(ctx({ pass_rate: 100, failing: failing('b'), episode: episode(90, ['a', 'b'], ['a']) }), NOW);
    expect(decision).toEqual({ kind: 'recovery', baseline: 90, fixed: ['a'], still: ['b'] });
  });
});

describe('branchAlerts', () => {
  it.each([
    [null, 'main', false, true],
    [null, 'master', false, true],
    [null, 'wip/alice', false, false],
    [null, null, true, true],
    [null, null, false, false],
    [['main', 'release/*'], 'release/1.2', false, true],
    [['main', 'release/*'], 'release/1.2/hotfix', false, false],
    [['release/**'], 'release/1.2/hotfix', false, true],
    [['main'], null, true, false],
    [['feat-?'], 'feat-a', false, true],
    [['v1.0'], 'v1x0', false, false],
  ] as const)('%j, branch %s (token %s) → %s', (patterns, branch, viaToken, expected) => {
    expect(branchAlerts(patterns, branch, viaToken)).toBe(expected);
  });
});

describe('Slack messages stay within Slack limits', () => {
  const longName = `<b>${'n'.repeat(500)}&`;
  const failing = Array.from({ length: 1000 }, (_, i) => ({
    name: `${longName}${i}`,
    error: `reason <${i}> & ${'r'.repeat(200)}`,
    history: [true, true],
  }));
  const big = ctx({ failing });
  big.run.suite = `${'s'.repeat(500)} <suite> & co`;
  big.run.repo_slug = `<repo>${'r'.repeat(500)}`;
  big.run.pushed_by = '<@U123> & friends';
  const decision = decideRunAlert(big, NOW);
  if (decision.kind !== 'regression') throw new Error(decision.kind);
  const held = Array.from({ length: 300 }, (_, i) => ({
    run_id: `h${i}`,
    run_at: NOW.toISOString(),
    pass_rate: 10,
    baseline: 90,
    detail: { newly_failing: [longName, 'b'] },
  }));
  const messages = {
    regression: regressionMessage(big.run, decision, { held, dashboardUrl: 'https://dash.example' }),
    recovery: recoveryMessage(big.run, { kind: 'recovery', baseline: 90, fixed: failing.map((t) => t.name), still: ['b'] }),
    rollup: rollupMessage(big.run.repo_slug, big.run.suite, held),
  };

  it.each(Object.entries(messages))('%s: header ≤ 150, sections ≤ 3000, ≤ 50 blocks, no raw < > &', (_kind, msg) => {
    expect(msg.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const block of msg.blocks) {
      if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.header);
      if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.section);
      const text =
        block.type === 'header' || block.type === 'section' ? block.text.text : block.type === 'context' ? block.elements[0]?.text : '';
      // Only Slack's own link syntax may use < and >.
      expect((text ?? '').replace(/<https:\/\/dash\.example[^>]*>/g, '')).not.toMatch(/[<>]|&(?!amp;|lt;|gt;)/);
    }
    expect(msg.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  });

  it('shows 10 newly failing tests, "+990 more", reasons cut to 80 characters', () => {
    const body = JSON.stringify(messages.regression.blocks);
    expect(body).toContain('Newly failing (1000)');
    expect(body).toContain('+990 more');
    expect(body).toContain('<https://dash.example/runs/run-1|Open the run in the dashboard>');
    const reason = /— (reason [^`"\\]*?…)/.exec(body)?.[1] ?? '';
    expect(reason.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&').length).toBeLessThanOrEqual(80);
  });

  it('omits the dashboard link when no dashboard URL is set', () => {
    expect(runLink(null, 'x')).toBeUndefined();
    expect(runLink('https://d.example/', 'a b')).toBe('https://d.example/runs/a%20b');
    expect(JSON.stringify(regressionMessage(big.run, decision))).not.toContain('Open the run');
  });
});

describe('escaping and clipping', () => {
  it.each([
    ['a & b', 'a &amp; b'],
    ['<!channel>', '&lt;!channel&gt;'],
    ['plain', 'plain'],
  ])('%s', (input, output) => expect(escapeSlack(input)).toBe(output));

  it('never cuts inside an entity', () => {
    expect(clip('ab&amp;cd', 5)).toBe('ab…');
    expect(clip('abc', 5)).toBe('abc');
  });

  it('cuts reasons at a word boundary, mid-word only for one very long word', () => {
    expect(clipWords('expected the output not to mention the codename', 30)).toBe('expected the output not to…');
    expect(clipWords('expected the output, not this', 21)).toBe('expected the output…');
    expect(clipWords('short', 30)).toBe('short');
    expect(clipWords(`a ${'x'.repeat(50)}`, 20)).toBe(`a ${'x'.repeat(17)}…`);
    for (const text of ['one two three four five six seven', `a ${'x'.repeat(50)}`])
      expect(clipWords(text, 20).length).toBeLessThanOrEqual(20);
  });
});

describe('links and the roll-up', () => {
  const held = [
    {
      run_id: 'r 1',
      run_at: '2026-11-22T05:40:00Z',
      pass_rate: 70,
      baseline: 100,
      detail: { newly_failing: ['e', '<x>'], newly_failing_count: 2 },
    },
    {
      run_id: 'r2',
      run_at: '2026-11-22T05:42:00Z',
      pass_rate: 60,
      baseline: 100,
      detail: { newly_failing: ['f'], newly_failing_count: 1 },
    },
  ];

  it('the roll-up names the tests and links each run', () => {
    const msg = rollupMessage('acme-app', 'smoke', held, { dashboardUrl: 'https://d.example/t/acme/' });
    const body = JSON.stringify(msg.blocks);
    expect(msg.text).toBe('3 more tests started failing in smoke during the cooldown (acme-app): e, &lt;x&gt;, f');
    expect(body).toContain('<https://d.example/t/acme/runs/r%201|run at 2026-11-22 05:40 UTC> (70%, mean 100%): `e`, `&lt;x&gt;`');
    expect(body).toContain('<https://d.example/t/acme/runs/r2|run at 2026-11-22 05:42 UTC> (60%, mean 100%): `f`');
    expect(JSON.stringify(rollupMessage('acme-app', 'smoke', held.slice(1)).blocks)).toContain('1 more test started failing');
  });

  it("a new branch's message says its baseline is the default branch's, and links the compare view", () => {
    const c = ctx({ failing: [{ name: 'a', error: 'boom', model: 'local/t2', tier: 't2', history: [true, true] }] });
    c.run.branch = 'feature/x';
    const decision = decideRunAlert(c, NOW);
    if (decision.kind !== 'regression') throw new Error(decision.kind);
    const body = JSON.stringify(
      regressionMessage(c.run, decision, { dashboardUrl: 'https://d.example/t/acme', compareWith: 'e1', baselineBranch: 'main' }).blocks,
    );
    expect(body).toContain('over 2 earlier runs of main');
    expect(body).toContain('• `a` — boom _(local/t2, tier t2)_');
    expect(body).toContain('<https://d.example/t/acme/compare?base=e1&amp;head=run-1|Compare with the baseline>');
  });

  it('the compare link pairs the newest baseline run with this run', () => {
    expect(compareLink('https://d.example/t/acme', 'base 1', 'head')).toBe('https://d.example/t/acme/compare?base=base%201&head=head');
    expect(compareLink(null, 'a', 'b')).toBeUndefined();
    expect(compareLink('https://d.example', null, 'b')).toBeUndefined();
  });
});

describe('isAllowedSlackWebhook', () => {
  it.each([
    [hook('https://hooks.slack.com'), true],
    [hook('https://hooks.slack-gov.com'), true],
    [hook('http://hooks.slack.com'), false],
    ['https://hooks.slack.com.evil.example/services/x', false],
    ['https://evil.example/services/x', false],
    [hook('https://user:pw@hooks.slack.com', 'x'), false],
    ['https://hooks.slack.com:8443/services/x', false],
    ['https://hooks.slack.com/other', false],
    ['http://127.0.0.1:54330/any', false],
    ['not a url', false],
  ])('%s → %s', (url, ok) => expect(isAllowedSlackWebhook(url)).toBe(ok));

  it('allows the local sink only when its host is passed', () => {
    expect(isAllowedSlackWebhook('http://127.0.0.1:54330/alerts', { allowHosts: ['127.0.0.1:54330'] })).toBe(true);
    expect(isAllowedSlackWebhook('http://127.0.0.1:54331/alerts', { allowHosts: ['127.0.0.1:54330'] })).toBe(false);
  });
});

describe('retryAfterSeconds', () => {
  it.each([
    ['3', 3],
    [null, 1],
    ['soon', 1],
    ['Sun, 22 Nov 2026 12:00:05 GMT', 5],
  ] as const)('%s → %s', (value, seconds) => expect(retryAfterSeconds(value, NOW.getTime())).toBe(seconds));
});

describe('digest rules', () => {
  it.each([
    ['2026-11-22T12:00:00Z', '2026-11-09'], // a Sunday: the last full week
    ['2026-11-23T09:00:00Z', '2026-11-16'], // Monday 09:00: last week
    ['2026-11-24T00:00:00Z', '2026-11-16'],
  ])('previousWeekStart(%s) = %s', (now, week) => expect(previousWeekStart(new Date(now))).toBe(week));

  it.each([
    ['2026-11-16', true],
    ['2026-11-17', false],
    ['2026-02-30', false],
    ['16/11/2026', false],
  ])('isWeekStart(%s) = %s', (value, ok) => expect(isWeekStart(value)).toBe(ok));

  const week: DigestWeekData = {
    week_start: '2026-11-16',
    team: { slug: 'acme', name: 'Acme & <Co>' },
    runs: 3,
    passed: 25,
    ran: 30,
    cost_usd: '1.5',
    judge_cost_usd: '0.5',
    prev_runs: 2,
    prev_passed: 18,
    prev_ran: 20,
    prev_cost_usd: '1',
    cost_by_model: [
      { model: 'local/t2', purpose: 'system', calls: 6, cost_usd: '0.6' },
      { model: 'local/t1', purpose: 'system', calls: 30, cost_usd: '0.3' },
      { model: 'local/judge', purpose: 'judge', calls: 1, cost_usd: '0.5' },
    ],
    tier_attempts: [
      { tier: 't1', attempts: 30, cost_usd: '0.3' },
      { tier: 't2', attempts: 6, cost_usd: '0.6' },
    ],
    verifier: [
      { model: 'local/judge', accepted: true, assertions_passed: true, decisions: 7 },
      { model: 'local/judge', accepted: true, assertions_passed: false, decisions: 1 },
      { model: 'local/judge', accepted: false, assertions_passed: false, decisions: 3 },
      { model: 'local/judge', accepted: false, assertions_passed: null, decisions: 1 },
    ],
    still_failing: [{ repo_slug: 'acme-app', suite: 'smoke', branch: 'main', test: 'sinking', since: '2026-11-18T00:00:00Z', run_id: 'd' }],
    dashboard_url: 'https://dash.example/t/acme/',
    tiers: [
      { tier: 't1', tests: 24, passed: 22, cost_usd: '0.24' },
      { tier: 't2', tests: 6, passed: 3, cost_usd: '0.6' },
    ],
    sessions: 4,
    ships: [{ name: 'Alice', ships: 2 }],
    suites: [
      {
        repo_slug: 'acme-app',
        suite: 'smoke',
        runs: [
          { id: 'a', run_at: '2026-11-10T00:00:00Z', pass_rate: 100, in_week: false },
          { id: 'b', run_at: '2026-11-11T00:00:00Z', pass_rate: 100, in_week: false },
          { id: 'c', run_at: '2026-11-17T00:00:00Z', pass_rate: '60', in_week: true },
          { id: 'd', run_at: '2026-11-18T00:00:00Z', pass_rate: 100, in_week: true },
        ],
        tests: [
          { name: 'flips', before: [true, true], through: [true, true, false, true, false, true] },
          { name: 'was-flaky', before: [true, false, true, false], through: [true, false, true, false, true, false] },
          { name: 'sinking', before: [true, true], through: [true, true, true, false] },
        ],
      },
    ],
  };

  it('computes the numbers with the shared rules', () => {
    const d = buildDigest(week);
    expect(d).toMatchObject({
      quiet: false,
      runs: 3,
      prevRuns: 2,
      passRate: 83.33,
      prevPassRate: 90,
      costUsd: 1.5,
      prevCostUsd: 1,
      judgeCostUsd: 0.5,
      systemCostUsd: 1,
      sessions: 4,
      ships: [{ name: 'Alice', ships: 2 }],
    });
    expect(d.regressions).toEqual([
      { repoSlug: 'acme-app', suite: 'smoke', runId: 'c', runAt: '2026-11-17T00:00:00Z', baseline: 100, passRate: 60, drop: 40 },
    ]);
    expect(d.becameFlaky.map((t) => t.test)).toEqual(['flips']);
    expect(d.becameDegrading.map((t) => t.test)).toEqual(['sinking']);
    expect(d.flaky).toEqual([
      { repoSlug: 'acme-app', suite: 'smoke', test: 'flips', isNew: true },
      { repoSlug: 'acme-app', suite: 'smoke', test: 'was-flaky', isNew: false },
    ]);
    // Shares from the tests resolved per tier; spend from each tier's attempts (its model calls).
    expect(d.escalation.tiers).toEqual([
      { tier: 't1', tests: 24, passed: 22, share: 80, attempts: 30, costUsd: 0.3 },
      { tier: 't2', tests: 6, passed: 3, share: 20, attempts: 6, costUsd: 0.6 },
    ]);
    // Everything on t2: 30 tests × ($0.60 / 6 attempts) = $3.00; the ladder spent $0.90.
    expect(d.escalation.savedUsd).toBe(2.1);
    // 8 accepts judged, 1 false; 3 rejects judged, none false; 1 reject with no assertions.
    expect(d.verifier).toEqual([
      {
        model: 'local/judge',
        decisions: 12,
        accepts: 8,
        rejects: 4,
        falseAccepts: 1,
        falseRejects: 0,
        unknown: 1,
        falseAcceptRate: 12.5,
        falseRejectRate: 0,
      },
    ]);
    const text = digestText(d);
    expect(text).toContain('Pass rate: 83.33% (−6.67 pp vs last week)');
    expect(text).toContain('Cost: $1.50 (+$0.5000, +50% vs last week); system $1.00, judge $0.5000');
    expect(text).toContain('• local/t2 (system): $0.6000, 6 calls');
    expect(text).toContain('• local/judge (judge): $0.5000, 1 call');
    // The same t2 spend in the model table and the escalation section.
    expect(text).toContain('• t2: 20% of tests resolved here, 3/6 passed; 6 attempts, $0.6000');
    expect(text).toContain(
      '• local/judge: 12 decisions, 8 accepted, 4 rejected; 1 false accept (12.5%), 0 false rejects (0%); 1 not judged (no assertions)',
    );
    const body = JSON.stringify(digestMessage(d));
    expect(body).toContain('Acme &amp; &lt;Co&gt;');
    // Every section links to its page; items link to their run or test.
    for (const path of ['/runs', '/trends', '/costs?days=7', '/tests', '/escalation?days=7'])
      expect(body).toContain(`<https://dash.example/t/acme${path.replace('&', '&amp;')}|`);
    expect(body).toContain('*<https://dash.example/t/acme/trends|Top regressions (1)>*');
    expect(body).toContain('on <https://dash.example/t/acme/runs/c|2026-11-17>');
    expect(body).toContain(
      'acme-app / smoke (main): <https://dash.example/t/acme/test?repo=acme-app&amp;suite=smoke&amp;name=sinking|sinking> since <https://dash.example/t/acme/runs/d|2026-11-18 00:00 UTC>',
    );
    expect(body).toContain('flips> (new this week)');
    expect(body).toContain('3 runs, pass rate 83.33%');
    const unlinked = JSON.stringify(digestMessage(buildDigest({ ...week, dashboard_url: null })));
    expect(unlinked).not.toContain('<https://');
    expect(unlinked).toContain('*Top regressions (1)*');
  });

  it("counts regressions by the team's alert threshold, the default when it has none", () => {
    // Run c drops 40 pp below the mean of a and b.
    const runIds = (threshold: DigestWeekData['alert_threshold_pp']) =>
      buildDigest({ ...week, alert_threshold_pp: threshold }).regressions.map((r) => r.runId);
    expect(runIds(undefined)).toEqual(['c']);
    expect(runIds(null)).toEqual(['c']);
    expect(runIds('39.99')).toEqual(['c']);
    expect(runIds('40.00')).toEqual([]);
    expect(runIds(50)).toEqual([]);
  });

  it('counts the pull requests the CI gate stopped, with their noun, and says nothing when it stopped none', () => {
    const line = (n: number | null | undefined) =>
      digestText(buildDigest({ ...week, ci_stopped_pull_requests: n }))
        .split('\n')
        .find((l) => l.includes('CI gate'));
    expect(line(2)).toContain('CI gate: stopped 2 pull requests');
    expect(line(1)).toContain('CI gate: stopped 1 pull request');
    expect(line(1)).not.toContain('requests');
    expect(line(0)).toBeUndefined();
    expect(line(undefined)).toBeUndefined();
  });

  it('says "quiet week" when nothing happened', () => {
    const d = buildDigest({ ...week, runs: 0, passed: 0, ran: 0, sessions: 0, ships: [], suites: [], tiers: [], cost_by_model: [] });
    expect(d.quiet).toBe(true);
    expect(digestText(d)).toContain('Quiet week');
    expect(digestMessage(d).blocks).toHaveLength(3);
  });
});
