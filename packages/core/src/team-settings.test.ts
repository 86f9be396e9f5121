import { describe, expect, it } from 'vitest';
import { maskWebhook, parseTeamSetting, TEAM_SETTING_NAMES } from './team-settings.ts';

describe('team settings', () => {
  it('turns each setting into its column', () => {
    expect(parseTeamSetting('slack-webhook', 'https://hooks.slack.com/services/T/B/x')).toEqual({
      data: { slack_webhook_url: 'https://hooks.slack.com/services/T/B/x' },
      error: null,
    });
    expect(parseTeamSetting('alert-threshold', '7.5')).toEqual({ data: { alert_threshold_pp: 7.5 }, error: null });
    expect(parseTeamSetting('digest-enabled', 'false')).toEqual({ data: { digest_enabled: false }, error: null });
    expect(parseTeamSetting('alert-branches', ' main, release/*,(none),main ')).toEqual({
      data: { alert_branches: ['main', 'release/*', '(none)'] },
      error: null,
    });
    expect(parseTeamSetting('alert-cooldown', '0')).toEqual({ data: { alert_cooldown_minutes: 0 }, error: null });
    expect(parseTeamSetting('alert-cooldown', '15')).toEqual({ data: { alert_cooldown_minutes: 15 }, error: null });
    expect(parseTeamSetting('dashboard-url', 'https://dash.example/t/acme//')).toEqual({
      data: { dashboard_url: 'https://dash.example/t/acme' },
      error: null,
    });
    expect(parseTeamSetting('judge-cache-trust-members', 'true')).toEqual({ data: { judge_cache_trust_members: true }, error: null });
    expect(parseTeamSetting('push-runs-per-hour', '30')).toEqual({ data: { push_runs_per_hour: 30 }, error: null });
    expect(parseTeamSetting('push-results-per-hour', '50000')).toEqual({ data: { push_results_per_hour: 50_000 }, error: null });
    expect(parseTeamSetting('retention-days', '30')).toEqual({ data: { retention_days: 30 }, error: null });
    expect(parseTeamSetting('retention-days', '14')).toEqual({ data: { retention_days: 14 }, error: null });
    expect(parseTeamSetting('retention-days', ' Forever ')).toEqual({ data: { retention_days: null }, error: null });
  });

  it('refuses a retention outside two weeks to ten years, or not whole days', () => {
    for (const bad of ['', '13', '0', '3651', '30.5', '-30', 'never', '1e3'])
      expect(parseTeamSetting('retention-days', bad).error).toBe(
        `retention-days must be days runs keep their results, attempts and outputs, 14 to 3650, or forever (the default; totals, costs and trends are kept either way), not ${JSON.stringify(bad)}`,
      );
  });

  it('refuses a bad value with the setting, what it expects and what was given', () => {
    expect(parseTeamSetting('alert-threshold', '0').error).toBe(
      'alert-threshold must be percentage points, more than 0 and at most 100, not "0"',
    );
    expect(parseTeamSetting('alert-threshold', '101').error).toMatch(/^alert-threshold must be/);
    expect(parseTeamSetting('alert-threshold', 'lots').error).toMatch(/^alert-threshold must be/);
    expect(parseTeamSetting('slack-webhook', 'ftp://hooks.example/x').error).toBe(
      'slack-webhook must be an http(s) URL, not "ftp://hooks.example/x"',
    );
    expect(parseTeamSetting('slack-webhook', 'not a url').error).toMatch(/^slack-webhook must be an http\(s\) URL/);
    expect(parseTeamSetting('digest-enabled', 'yes').error).toBe('digest-enabled must be true or false, not "yes"');
    expect(parseTeamSetting('dashboard-url', 'javascript:alert(1)').error).toMatch(/^dashboard-url must be/);
    for (const bad of ['0', '2.5', 'many', '100001'])
      expect(parseTeamSetting('push-runs-per-hour', bad).error).toBe(
        `push-runs-per-hour must be runs each member or CI token may push per hour, 1 to 100000 (default 120), not ${JSON.stringify(bad)}`,
      );
    expect(parseTeamSetting('judge-cache-trust-members', 'maybe').error).toMatch(/^judge-cache-trust-members must be true/);
    for (const bad of ['', ' , ', 'main,my branch', 'x'.repeat(201)])
      expect(parseTeamSetting('alert-branches', bad).error).toMatch(/^alert-branches must be comma-separated branch globs/);
    for (const bad of ['', '-1', '1.5', 'five', '1441'])
      expect(parseTeamSetting('alert-cooldown', bad).error).toBe(
        `alert-cooldown must be a whole number of minutes from 0 (no cooldown) to 1440, not ${JSON.stringify(bad)}`,
      );
  });

  it('names every setting when the name is unknown (not an inherited key)', () => {
    expect(TEAM_SETTING_NAMES).toEqual([
      'slack-webhook',
      'alert-threshold',
      'alert-branches',
      'alert-cooldown',
      'digest-enabled',
      'dashboard-url',
      'judge-cache-trust-members',
      'push-runs-per-hour',
      'push-results-per-hour',
      'retention-days',
    ]);
    expect(parseTeamSetting('toString', 'x').error).toBe(
      'unknown setting "toString": slack-webhook, alert-threshold, alert-branches, alert-cooldown, digest-enabled, dashboard-url, judge-cache-trust-members, push-runs-per-hour, push-results-per-hour or retention-days',
    );
  });

  it('masks a saved webhook: the host and path start stay, the secret part does not', () => {
    // Assembled from parts (as team-flows.int.test.ts does), so no secret scanner takes it for a webhook.
    const url = ['https://hooks.slack.com', '/services/', 'T0001/B0002/', 'x'.repeat(24)].join('');
    expect(maskWebhook(url)).toBe('https://hooks.slack.com/services…');
    expect(maskWebhook('https://x.test/abc')).toBe('https://x…');
    expect(maskWebhook(null)).toBeNull();
  });
});
