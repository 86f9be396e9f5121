/**
 * The demo team's activity besides evals: ships, QA reports and Claude Code
 * session transcripts, as the records `gstack-sync push-ship | push-qa |
 * push-transcript` send (checked with the same schemas). Seeded and pure.
 */
import { ACTIVITY_KINDS, type ActivityKind } from '@gstack/core';
import { DEMO_DAYS, DEMO_PEOPLE, DEMO_REPOS } from './model.ts';
import { stableHex, streamFor } from './prng.ts';

export interface DemoActivity {
  kind: ActivityKind;
  /** Who pushes it (a person's key). */
  by: string;
  record: Record<string, unknown>;
}

const DAY = 86_400_000;
const TITLES = ['Tighten refund answers', 'Faster retriever', 'Escalate less on triage', 'New SQL few-shots', 'Cache system prompts'];
const TOOLS = ['Read', 'Edit', 'Bash', 'Grep', 'Write'];

const owners = (repo: string) => [...new Set(DEMO_REPOS.find((r) => r.slug === repo)?.suites.flatMap((s) => s.people) ?? [])];

function parsed(kind: ActivityKind, by: string, record: Record<string, unknown>): DemoActivity {
  return { kind, by, record: ACTIVITY_KINDS[kind].schema.parse(record) as Record<string, unknown> };
}

/** Ships every few days per repo, a weekly QA report per repo, and a few sessions per person. */
export function demoActivity(seed: number, now: number): DemoActivity[] {
  const out: DemoActivity[] = [];
  for (const repo of DEMO_REPOS) {
    const people = owners(repo.slug);
    const rnd = streamFor(seed, 'activity', repo.slug);
    for (let day = DEMO_DAYS - 1, n = 1; day >= 1; day -= 3 + Math.floor(rnd() * 4), n++) {
      const by = people[Math.floor(rnd() * people.length)] ?? 'maya';
      out.push(
        parsed('ship', by, {
          repo_slug: repo.slug,
          git_sha: stableHex(40, seed, 'ship', repo.slug, day),
          branch: 'main',
          version: `1.${Math.floor(n / 4)}.${n % 4}`,
          title: TITLES[n % TITLES.length],
          pr_url: `https://github.com/acme/${repo.slug}/pull/${100 + n}`,
          shipped_at: new Date(now - day * DAY + 5 * 3_600_000).toISOString(),
        }),
      );
    }
    for (let week = 8; week >= 1; week--) {
      const by = people[week % people.length] ?? 'maya';
      out.push(
        parsed('qa', by, {
          repo_slug: repo.slug,
          report_key: `${repo.slug}-qa-week-${stableHex(8, seed, repo.slug, week)}`,
          url: `https://staging.acme.test/${repo.slug}`,
          health_score: Math.round(70 + rnd() * 28),
          issues_found: Math.floor(rnd() * 6),
          summary: `Weekly QA of ${repo.slug}: checked sign-in, the main flow and error pages.`,
          reported_at: new Date(now - week * 7 * DAY).toISOString(),
        }),
      );
    }
  }
  for (const person of DEMO_PEOPLE) {
    const rnd = streamFor(seed, 'sessions', person.key);
    for (let i = 0; i < 6; i++) {
      const day = Math.floor(rnd() * 30) + 1;
      const started = now - day * DAY - Math.floor(rnd() * 8) * 3_600_000;
      const turns = 4 + Math.floor(rnd() * 30);
      const tools = Object.fromEntries(TOOLS.map((tool) => [tool, Math.floor(rnd() * turns)]));
      const toolCalls = Object.values(tools).reduce((a, b) => a + b, 0);
      const repo = DEMO_REPOS[Math.floor(rnd() * DEMO_REPOS.length)]?.slug ?? 'acme-support-bot';
      out.push(
        parsed('transcript', person.key, {
          session_id: `demo-${person.key}-${stableHex(12, seed, person.key, i)}`,
          repo_slug: repo,
          hostname: person.hostname,
          started_at: new Date(started).toISOString(),
          ended_at: new Date(started + turns * 90_000).toISOString(),
          turns,
          tool_calls: toolCalls,
          tools,
          message_count: turns * 2,
          summary: `Worked on ${repo} evals: ${TITLES[i % TITLES.length]?.toLowerCase()}.`,
          content_hash: stableHex(64, seed, 'content', person.key, i),
        }),
      );
    }
  }
  return out;
}
