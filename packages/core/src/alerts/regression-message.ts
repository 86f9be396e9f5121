/**
 * The Slack messages regression-alert sends: the regression (suite, pass rate
 * before → now, who pushed, cost vs the mean, newly failing tests with their
 * reasons, flaky ones apart, what else regressed during the cooldown, a link
 * to the run), the recovery, the roll-up of held regressions, and the test
 * message of `gstack team alert-test`.
 */
import { type Block, clip, context, escapeSlack, header, message, pct, pp, type SlackMessage, section, sections, usd } from './blocks.ts';
import { ALERT_RULES, type AlertDecision, type AlertRun, type HeldRegression } from './regression.ts';

/** `<dashboard>/runs/<id>`, or undefined when the team set no dashboard URL. */
export function runLink(dashboardUrl: string | null | undefined, runId: string): string | undefined {
  if (!dashboardUrl) return undefined;
  return `${dashboardUrl.replace(/\/+$/, '')}/runs/${encodeURIComponent(runId)}`;
}

function where(run: AlertRun): string {
  const sha = run.git_sha ? ` @ \`${escapeSlack(run.git_sha.slice(0, 12))}\`` : '';
  const who = run.pushed_by ? ` · pushed by ${escapeSlack(run.pushed_by)}` : '';
  return `*${escapeSlack(run.repo_slug)}* · ${escapeSlack(run.branch ?? 'no branch')}${sha}${who}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Held regressions, the first `maxTestsShown` of them, then "+N more". */
function heldLines(held: HeldRegression[]): string[] {
  const shown = held.slice(0, ALERT_RULES.maxTestsShown);
  const more = held.length - shown.length;
  const lines = shown.map((h) => {
    const names = h.detail.newly_failing ?? [];
    const tests = names.length
      ? `: ${names.slice(0, 5).map(escapeSlack).join(', ')}${names.length > 5 ? ` +${names.length - 5} more` : ''}`
      : '';
    return `• ${pct(h.baseline)} → ${pct(h.pass_rate)} at ${h.run_at.slice(0, 16).replace('T', ' ')} UTC${tests}`;
  });
  return more > 0 ? [...lines, `+${more} more`] : lines;
}

/** The regression message for `run` (decision of kind `regression`), with the regressions held since the last one. */
export function regressionMessage(
  run: AlertRun,
  decision: Extract<AlertDecision, { kind: 'regression' }>,
  options: { dashboardUrl?: string | null; held?: HeldRegression[] } = {},
): SlackMessage {
  const now = Number(run.pass_rate);
  const title = `Regression in ${run.suite}: ${pct(decision.baseline)} → ${pct(now)} (${pp(-decision.drop)})`;
  const blocks: Block[] = [header(`:rotating_light: ${escapeSlack(oneLine(title))}`)];
  const costDelta = Number(run.cost_usd) - decision.costBaseline;
  blocks.push(
    section(
      [
        where(run),
        `Pass rate ${pct(now)} vs a mean of ${pct(decision.baseline)} over ${decision.baselineRuns} earlier runs (${run.passed}/${run.passed + run.failed} passed)`,
        `Cost ${usd(Number(run.cost_usd))} vs a mean of ${usd(decision.costBaseline)} (${costDelta >= 0 ? '+' : '−'}${usd(Math.abs(costDelta))})`,
      ].join('\n'),
    ),
  );
  const shown = decision.newlyFailing.slice(0, ALERT_RULES.maxTestsShown);
  if (shown.length) {
    const lines = shown.map((t) => {
      const reason = t.error ? ` — ${escapeSlack(clip(oneLine(t.error), ALERT_RULES.maxReasonChars))}` : '';
      return `• \`${escapeSlack(clip(t.name, 200))}\`${reason}`;
    });
    const more = decision.newlyFailing.length - shown.length;
    if (more > 0) lines.push(`+${more} more`);
    blocks.push(...sections([`*Newly failing (${decision.newlyFailing.length})*`, ...lines]));
  } else {
    blocks.push(section('No single test newly fails: the drop comes from tests that were already unstable or new.'));
  }
  if (decision.flaky.length) {
    const names = decision.flaky.slice(0, ALERT_RULES.maxTestsShown).map((t) => `\`${escapeSlack(clip(t.name, 200))}\``);
    const more = decision.flaky.length - names.length;
    blocks.push(
      section(`*Flaky, not counted as regressions (${decision.flaky.length})*: ${names.join(', ')}${more > 0 ? ` +${more} more` : ''}`),
    );
  }
  if (options.held?.length)
    blocks.push(...sections([`*Also regressed during the cooldown (${options.held.length})*`, ...heldLines(options.held)]));
  const link = runLink(options.dashboardUrl, run.id);
  if (link) blocks.push(section(`<${link}|Open the run in the dashboard>`));
  blocks.push(context(`run ${run.id}`));
  const names = decision.newlyFailing.slice(0, 3).map((t) => t.name);
  const text = `${title} in ${run.repo_slug}${names.length ? `; newly failing: ${names.join(', ')}${decision.newlyFailing.length > 3 ? ` +${decision.newlyFailing.length - 3} more` : ''}` : ''}`;
  return message(escapeSlack(oneLine(text)), blocks);
}

/** The one recovery message when a suite that alerted is back at or above its mean. */
export function recoveryMessage(run: AlertRun, baseline: number, options: { dashboardUrl?: string | null } = {}): SlackMessage {
  const title = `Recovered: ${run.suite} is back at ${pct(run.pass_rate)} (mean ${pct(baseline)})`;
  const blocks: Block[] = [header(`:white_check_mark: ${escapeSlack(oneLine(title))}`), section(where(run))];
  const link = runLink(options.dashboardUrl, run.id);
  if (link) blocks.push(section(`<${link}|Open the run in the dashboard>`));
  blocks.push(context(`run ${run.id}`));
  return message(escapeSlack(oneLine(`${title} in ${run.repo_slug}`)), blocks);
}

/** Regressions held by the cooldown and not followed by another message: sent by the sweep. */
export function rollupMessage(repoSlug: string, suite: string, held: HeldRegression[]): SlackMessage {
  const title = `${held.length} more regression${held.length === 1 ? '' : 's'} in ${suite} during the cooldown`;
  return message(escapeSlack(oneLine(`${title} (${repoSlug})`)), [
    header(`:rotating_light: ${escapeSlack(oneLine(title))}`),
    section(`*${escapeSlack(repoSlug)}*`),
    ...sections(heldLines(held)),
  ]);
}

/** `gstack team alert-test`: proves the webhook works. */
export function testMessage(teamName: string): SlackMessage {
  const title = `Test message from gstack for ${oneLine(teamName)}`;
  return message(escapeSlack(title), [
    header(`:wave: ${escapeSlack(title)}`),
    section('Regression alerts and the Monday digest for this team will arrive in this channel.'),
  ]);
}
