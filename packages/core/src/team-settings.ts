/**
 * The settings an admin changes for a team (Slack webhook, alert threshold,
 * alert branches and cooldown, Monday digest, dashboard URL, whose judge
 * verdicts are reused, push quotas, retention): one schema per setting, used by `gstack
 * team set` and the dashboard's team page, so both accept exactly the same values.
 */
import { z } from 'zod';
import type { TablesInsert } from './database.types.ts';
import { RETENTION_DAYS, retentionDaysSchema } from './retention.ts';

/** An http(s) URL (the Slack webhook, the dashboard address). */
export const httpUrlSchema = z
  .string()
  .trim()
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }));

/**
 * The Slack webhook as shown after it is saved (CLI and dashboard): its scheme, host and the start
 * of its path, then `…`: enough to recognise, not enough to post.
 */
export function maskWebhook(url: string | null): string | null {
  if (!url) return null;
  return url.length > 36 ? `${url.slice(0, 32)}…` : `${url.slice(0, Math.ceil(url.length / 2))}…`;
}

/** How far (percentage points) a suite's pass rate may drop before an alert: more than 0, at most 100. */
export const alertThresholdSchema = z.coerce
  .number({ error: 'must be a number of percentage points' })
  .gt(0, { error: 'must be more than 0 percentage points' })
  .max(100, { error: 'must be at most 100 percentage points' });

/**
 * The branches whose runs post to Slack: comma-separated globs (`*` within a
 * path segment, `**` across, `?` one character), `(none)` for CI-token runs
 * with no branch; 1 to 20 patterns, no spaces.
 */
export const alertBranchesSchema = z
  .string({ error: 'must be a comma-separated list of branch globs' })
  .transform((v) => [
    ...new Set(
      v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  ])
  .pipe(
    z
      .array(z.string().regex(/^[^\s,]{1,200}$/, { error: 'each branch pattern has no spaces and at most 200 characters' }))
      .min(1, { error: 'must name at least one branch (remove the Slack webhook to stop alerts)' })
      .max(20, { error: 'must list at most 20 branch patterns' }),
  );

/** Minutes between two regression messages of a suite: a whole number from 0 (no cooldown) to 1440 (a day). */
export const alertCooldownSchema = z
  .string({ error: 'must be a whole number of minutes' })
  .trim()
  .regex(/^\d{1,4}$/, { error: 'must be a whole number of minutes' })
  .transform(Number)
  .pipe(z.number().max(1440, { error: 'must be at most 1440 minutes (a day)' }));

/** `true` or `false`, as typed on a command line or sent by a form. */
export const booleanTextSchema = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

/** A whole number from 1 to `max`, as typed on a command line. */
const countSchema = (max: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(max, { error: `must be at most ${max}` });

/** The push quota a team has until an admin changes it (the columns' defaults in the migration). */
export const PUSH_QUOTA_DEFAULTS = { runsPerHour: 120, resultsPerHour: 200_000 } as const;

/** Runs, and results, each member or CI token may push per hour (the migration's checks: 1 to 100,000 and 1 to 100,000,000). */
export const pushRunsPerHourSchema = countSchema(100_000);
export const pushResultsPerHourSchema = countSchema(100_000_000);

type SettingColumns = Pick<
  TablesInsert<'team_settings'>,
  | 'slack_webhook_url'
  | 'alert_threshold_pp'
  | 'digest_enabled'
  | 'dashboard_url'
  | 'alert_branches'
  | 'alert_cooldown_minutes'
  | 'judge_cache_trust_members'
  | 'push_runs_per_hour'
  | 'push_results_per_hour'
  | 'retention_days'
>;

/** Each setting by the name the CLI uses: how its text is parsed into its column, and what it expects (for errors). */
export const TEAM_SETTINGS = {
  'slack-webhook': {
    expected: 'an http(s) URL',
    schema: httpUrlSchema.transform((url): SettingColumns => ({ slack_webhook_url: url })),
  },
  'alert-threshold': {
    expected: 'percentage points, more than 0 and at most 100',
    schema: alertThresholdSchema.transform((pp): SettingColumns => ({ alert_threshold_pp: pp })),
  },
  'alert-branches': {
    expected: 'comma-separated branch globs, e.g. main,release/*,(none) ((none): CI-token runs with no branch)',
    schema: alertBranchesSchema.transform((branches): SettingColumns => ({ alert_branches: branches })),
  },
  'alert-cooldown': {
    expected: 'a whole number of minutes from 0 (no cooldown) to 1440',
    schema: alertCooldownSchema.transform((minutes): SettingColumns => ({ alert_cooldown_minutes: minutes })),
  },
  'digest-enabled': {
    expected: 'true or false',
    schema: booleanTextSchema.transform((on): SettingColumns => ({ digest_enabled: on })),
  },
  'dashboard-url': {
    expected: "the team's dashboard address, an http(s) URL ending in /t/<team> (alerts link to <url>/runs/<id>)",
    // Alerts append /runs/<id>: a trailing slash would double it.
    schema: httpUrlSchema.transform((url): SettingColumns => ({ dashboard_url: url.replace(/\/+$/, '') })),
  },
  'judge-cache-trust-members': {
    expected: "true (runs reuse any member's shared judge verdicts) or false (only their own and CI tokens'; the default)",
    schema: booleanTextSchema.transform((on): SettingColumns => ({ judge_cache_trust_members: on })),
  },
  'push-runs-per-hour': {
    expected: `runs each member or CI token may push per hour, 1 to 100000 (default ${PUSH_QUOTA_DEFAULTS.runsPerHour})`,
    schema: pushRunsPerHourSchema.transform((n): SettingColumns => ({ push_runs_per_hour: n })),
  },
  'push-results-per-hour': {
    expected: `results each member or CI token may push per hour, 1 to 100000000 (default ${PUSH_QUOTA_DEFAULTS.resultsPerHour})`,
    schema: pushResultsPerHourSchema.transform((n): SettingColumns => ({ push_results_per_hour: n })),
  },
  'retention-days': {
    expected: `days runs keep their results, attempts and outputs, ${RETENTION_DAYS.min} to ${RETENTION_DAYS.max}, or forever (the default; totals, costs and trends are kept either way)`,
    schema: retentionDaysSchema.transform((days): SettingColumns => ({ retention_days: days })),
  },
} as const;

export type TeamSettingName = keyof typeof TEAM_SETTINGS;
export const TEAM_SETTING_NAMES = Object.keys(TEAM_SETTINGS) as TeamSettingName[];

/** The column change for `name value`, or a sentence naming the setting and what it expects. */
export function parseTeamSetting(name: string, value: string): { data: SettingColumns; error: null } | { data: null; error: string } {
  if (!Object.hasOwn(TEAM_SETTINGS, name))
    return {
      data: null,
      error: `unknown setting ${JSON.stringify(name)}: ${TEAM_SETTING_NAMES.slice(0, -1).join(', ')} or ${TEAM_SETTING_NAMES.at(-1)}`,
    };
  const setting = TEAM_SETTINGS[name as TeamSettingName];
  const parsed = setting.schema.safeParse(value);
  return parsed.success
    ? { data: parsed.data, error: null }
    : { data: null, error: `${name} must be ${setting.expected}, not ${JSON.stringify(value)}` };
}
