/**
 * `gstack-sync push-ship | push-qa | push-retro | push-greptile FILE` and
 * `push-transcript`: activity records, checked against their schema before
 * anything is sent, pushed (or queued) like eval runs.
 */
import path from 'node:path';
import { ACTIVITY_KINDS, type ActivityKind, describeProblems } from '@gstack/core';
import type { Command } from 'commander';
import { z } from 'zod';
import { loadModelsConfig } from '../../config/load.ts';
import { UserError } from '../../errors.ts';
import { loadJsonFile } from '../../files/json.ts';
import { JudgeCache } from '../../judge/cache.ts';
import { statePaths } from '../../state-dir.ts';
import { loadPreferences } from '../../sync/preferences.ts';
import type { PushItem } from '../../sync/push/index.ts';
import { changedSessions, claudeDir, modelSummarizer, type Summarizer, TranscriptMarkers } from '../../transcripts/index.ts';
import { pushAndReport } from './common.ts';

/** The natural key of a record, as one string (the queue's duplicate check). */
function naturalKey(kind: ActivityKind, record: Record<string, unknown>): string {
  return ACTIVITY_KINDS[kind].conflict
    .split(',')
    .filter((c) => c !== 'team_id' && c !== 'user_id')
    .map((c) => String(record[c] ?? ''))
    .join('/');
}

/** A file holding one record or an array of them, each validated; errors name the file and field. */
export function loadActivityFile(kind: ActivityKind, file: string): PushItem[] {
  const json = loadJsonFile(file, z.unknown());
  const records = Array.isArray(json) ? json : [json];
  const schema = ACTIVITY_KINDS[kind].schema;
  const problems: string[] = [];
  const items: PushItem[] = [];
  records.forEach((record, i) => {
    const parsed = schema.safeParse(record);
    if (!parsed.success) problems.push(describeProblems(Array.isArray(json) ? `${file}: [${i}]` : file, parsed.error));
    else {
      const key = naturalKey(kind, parsed.data as Record<string, unknown>);
      items.push({ kind, label: `${kind} ${key}`, key, payload: parsed.data });
    }
  });
  if (problems.length) throw new UserError(`${problems.join('\n')}\nnothing was pushed`);
  return items;
}

const FILE_KINDS: Array<[ActivityKind, string]> = [
  ['ship', 'a ship log: {repo_slug, git_sha, shipped_at, branch?, version?, title?, pr_url?, data?}'],
  ['qa', 'a QA report: {repo_slug, report_key, reported_at, url?, health_score?, issues_found?, summary?, data?}'],
  ['retro', 'a retro snapshot: {repo_slug, period_end, data, period_start?}'],
  [
    'greptile',
    'Greptile triage: {repo_slug, comment_id, verdict: valid|false_positive|fixed|ignored, pr_number?, file_path?, reason?, data?}',
  ],
];

export function registerActivity(program: Command): void {
  for (const [kind, description] of FILE_KINDS) {
    program
      .command(`push-${kind}`)
      .description(`Push ${description} (one record or an array)`)
      .argument('<file>', 'JSON file')
      .option('--json', 'print JSON')
      .action(async (file: string, flags: { json?: boolean }) => {
        const items = loadActivityFile(kind, file);
        await pushAndReport(
          items,
          flags,
          'push',
          String((items[0]?.payload as { repo_slug?: string } | undefined)?.repo_slug ?? ''),
          'record',
        );
      });
  }

  program
    .command('push-transcript')
    .description(
      'Push summaries of your Claude Code sessions (opt-in: gstack-sync prefs sync_transcripts true); unchanged sessions are skipped',
    )
    .option('--claude-dir <dir>', 'the Claude Code config dir (default: $CLAUDE_CONFIG_DIR or ~/.claude)')
    .option(
      '--model <provider/model>',
      'the cheap model that writes the one-sentence summaries (default: judge: in models.yaml, else the first prompt)',
    )
    .option('--models <file>', 'models.yaml for --model')
    .option('--json', 'print JSON')
    .action(async (flags: { claudeDir?: string; model?: string; models?: string; json?: boolean }) => {
      const env = process.env;
      if (!loadPreferences(env).sync_transcripts) {
        throw new UserError('transcript sync is off (it is opt-in): turn it on with `gstack-sync prefs sync_transcripts true`');
      }
      const paths = statePaths(env);
      const markers = new TranscriptMarkers(path.join(paths.root, 'transcripts-state.json'));
      const known = await markers.load();
      const models = loadModelsConfig(flags.models, process.cwd());
      const model = flags.model ?? models.config.judge;
      const summarizer: Summarizer | undefined = model
        ? modelSummarizer(model, models.config, models.dir, env, new JudgeCache(paths.evalCache))
        : undefined;
      const records = await changedSessions(flags.claudeDir ? path.resolve(flags.claudeDir) : claudeDir(env), known, summarizer);
      const items: PushItem[] = records.map((r) => ({
        kind: 'transcript',
        label: `session ${r.session_id}`,
        key: r.session_id,
        payload: r,
      }));
      const outcome = await pushAndReport(items, flags, 'push', records[0]?.repo_slug ?? '', 'session');
      // Pushed or safely queued: remember the content we sent.
      const delivered = new Set([...outcome.pushed, ...outcome.queued].map((p) => p.label));
      for (const r of records) if (delivered.has(`session ${r.session_id}`)) known[r.session_id] = r.content_hash;
      await markers.save(known);
    });
}
