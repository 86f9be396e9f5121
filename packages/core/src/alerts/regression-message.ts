/**
 * The Slack messages regression-alert sends: the regression (suite, pass rate
 * before → now, who pushed, cost vs the mean, the tests that opened or joined
 * the episode with their reasons and the model and tier that answered, flaky
 * ones apart, what else started failing during the cooldown, links to the run
 * and to the compare view against the baseline), the recovery (what was
 * fixed), the roll-up of held regressions (tests named, runs linked), and the
 * test message of `gstack team alert-test`.
 */
import {
  type Block,
  clip,
  clipWords,
  context,
  escapeSlack,
  header,
  message,
  pct,
  pp,
  type SlackMessage,
  section,
  sections,
  usd,
} from './blocks.ts';
import { ALERT_RULES, type AlertDecision, type AlertRun, type FailingTest, type HeldRegression } from './regression.ts';

/** `<dashboard>/runs/<id>`, or undefined when the team set no dashboard URL. */
export function runLink(dashboardUrl: string | null | undefined, runId: string): string | undefined {
  if (!dashboardUrl) return undefined;
  return `${dashboardUrl.replace(/\/+$/, '')}/runs/${encodeURIComponent(runId)}`;
}

/** `<dashboard>/compare?base=<base>&head=<head>`, or undefined without a dashboard URL or a base run. */
export function compareLink(dashboardUrl: string | null | undefined, base: string | null | undefined, head: string): string | undefined {
  if (!dashboardUrl || !base) return undefined;
  return `${dashboardUrl.replace(/\/+$/, '')}/compare?base=${encodeURIComponent(base)}&head=${encodeURIComponent(head)}`;
}

/** Links and context a message may carry. */
export interface MessageLinks {
  dashboardUrl?: string | null;
  /** The newest run of the baseline: the compare view's base. */
  compareWith?: string | null;
  /** The branch whose history is the baseline, when not the run's own. */
  baselineBranch?: string | null;
}

function where(run: AlertRun): string {
  const sha = run.git_sha ? ` @ \`${escapeSlack(run.git_sha.slice(0, 12))}\`` : '';
  const who = run.pushed_by ? ` · pushed by ${escapeSlack(run.pushed_by)}` : '';
  return `*${escapeSlack(run.repo_slug)}* · ${escapeSlack(run.branch ?? 'no branch')}${sha}${who}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A Slack link `<url|label>` (label escaped), or the bare label without a URL. */
function slackLink(url: string | undefined, label: string): string {
  return url ? `<${escapeSlack(url)}|${escapeSlack(label)}>` : escapeSlack(label);
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Held regressions, the first `maxTestsShown` of them, then "+N more": each names its tests and links to its run. */
function heldLines(held: HeldRegression[], dashboardUrl?: string | null): string[] {
  const shown = held.slice(0, ALERT_RULES.maxTestsShown);
  const more = held.length - shown.length;
  const lines = shown.map((h) => {
    const tests = h.detail.newly_failing ?? [];
    const count = h.detail.newly_failing_count ?? tests.length;
    const named = tests.length
      ? `: ${tests
          .slice(0, 5)
          .map((t) => `\`${escapeSlack(clip(t, 200))}\``)
          .join(', ')}${count > 5 ? ` +${count - 5} more` : ''}`
      : '';
    const at = `${h.run_at.slice(0, 16).replace('T', ' ')} UTC`;
    return `• ${slackLink(runLink(dashboardUrl, h.run_id), `run at ${at}`)} (${pct(h.pass_rate)}, mean ${pct(h.baseline)})${named}`;
  });
  return more > 0 ? [...lines, `+${more} more`] : lines;
}

/** One failing test: name, reason cut at a word boundary, the model and tier that answered. */
function testLine(t: FailingTest): string {
  const reason = t.error ? ` — ${escapeSlack(clipWords(oneLine(t.error), ALERT_RULES.maxReasonChars))}` : '';
  const by = [t.model, t.tier ? `tier ${t.tier}` : null].filter(Boolean).join(', ');
  return `• \`${escapeSlack(clip(t.name, 200))}\`${reason}${by ? ` _(${escapeSlack(by)})_` : ''}`;
}

/**
 * The regression message for `run`: the tests that opened an episode (or joined
 * an open one, named alone), with the regressions held since the last message.
 */
export function regressionMessage(
  run: AlertRun,
  decision: Extract<AlertDecision, { kind: 'regression' }>,
  options: MessageLinks & { held?: HeldRegression[] } = {},
): SlackMessage {
  const now = Number(run.pass_rate);
  const count = decision.newlyFailing.length;
  const title = decision.opens
    ? `Regression in ${run.suite}: ${pct(decision.baseline)} → ${pct(now)} (${pp(-decision.drop)})`
    : `${plural(count, 'more test')} failing in ${run.suite}: ${pct(now)} (mean before ${pct(decision.baseline)})`;
  const blocks: Block[] = [header(`:rotating_light: ${escapeSlack(oneLine(title))}`)];
  const costDelta = Number(run.cost_usd) - decision.costBaseline;
  const of = options.baselineBranch && options.baselineBranch !== run.branch ? ` of ${escapeSlack(options.baselineBranch)}` : '';
  blocks.push(
    section(
      [
        where(run),
        decision.opens
          ? `Pass rate ${pct(now)} vs a mean of ${pct(decision.baseline)} over ${decision.baselineRuns} earlier runs${of} (${run.passed}/${run.passed + run.failed} passed)`
          : `Still below the ${pct(decision.baseline)} this regression started from (${run.passed}/${run.passed + run.failed} passed); tests already failing are not repeated`,
        `Cost ${usd(Number(run.cost_usd))} vs a mean of ${usd(decision.costBaseline)} (${costDelta >= 0 ? '+' : '−'}${usd(Math.abs(costDelta))})`,
      ].join('\n'),
    ),
  );
  const shown = decision.newlyFailing.slice(0, ALERT_RULES.maxTestsShown);
  const lines = shown.map(testLine);
  if (count > shown.length) lines.push(`+${count - shown.length} more`);
  blocks.push(...sections([`*${decision.opens ? 'Newly failing' : 'Started failing'} (${count})*`, ...lines]));
  if (decision.flaky.length) {
    const names = decision.flaky.slice(0, ALERT_RULES.maxTestsShown).map((t) => `\`${escapeSlack(clip(t.name, 200))}\``);
    const more = decision.flaky.length - names.length;
    blocks.push(
      section(`*Flaky, not counted as regressions (${decision.flaky.length})*: ${names.join(', ')}${more > 0 ? ` +${more} more` : ''}`),
    );
  }
  if (options.held?.length)
    blocks.push(
      ...sections([
        `*Also started failing during the cooldown (${options.held.length})*`,
        ...heldLines(options.held, options.dashboardUrl),
      ]),
    );
  const links = [
    runLink(options.dashboardUrl, run.id) && slackLink(runLink(options.dashboardUrl, run.id), 'Open the run in the dashboard'),
    compareLink(options.dashboardUrl, options.compareWith, run.id) &&
      slackLink(compareLink(options.dashboardUrl, options.compareWith, run.id), 'Compare with the baseline'),
  ].filter(Boolean);
  if (links.length) blocks.push(section(links.join(' · ')));
  blocks.push(context(`run ${run.id}`));
  const names = decision.newlyFailing.slice(0, 3).map((t) => t.name);
  const text = `${title} in ${run.repo_slug}${names.length ? `; ${decision.opens ? 'newly' : 'started'} failing: ${names.join(', ')}${count > 3 ? ` +${count - 3} more` : ''}` : ''}`;
  return message(escapeSlack(oneLine(text)), blocks);
}

/** Up to `maxTestsShown` test names in code spans, then "+N more". */
function nameList(names: string[]): string {
  const shown = names.slice(0, ALERT_RULES.maxTestsShown).map((n) => `\`${escapeSlack(clip(n, 200))}\``);
  return `${shown.join(', ')}${names.length > shown.length ? ` +${names.length - shown.length} more` : ''}`;
}

/** The one recovery message that closes an episode: what was fixed, what still fails. */
export function recoveryMessage(
  run: AlertRun,
  decision: Extract<AlertDecision, { kind: 'recovery' }>,
  options: MessageLinks = {},
): SlackMessage {
  const title = `Recovered: ${run.suite} is back at ${pct(run.pass_rate)} (mean ${pct(decision.baseline)})`;
  const blocks: Block[] = [header(`:white_check_mark: ${escapeSlack(oneLine(title))}`), section(where(run))];
  if (decision.fixed.length) blocks.push(section(`*Fixed (${decision.fixed.length})*: ${nameList(decision.fixed)}`));
  if (decision.still.length) blocks.push(section(`*Still failing (${decision.still.length})*: ${nameList(decision.still)}`));
  const link = runLink(options.dashboardUrl, run.id);
  if (link) blocks.push(section(slackLink(link, 'Open the run in the dashboard')));
  blocks.push(context(`run ${run.id}`));
  const fixed = decision.fixed.length
    ? `; fixed: ${decision.fixed.slice(0, 3).join(', ')}${decision.fixed.length > 3 ? ` +${decision.fixed.length - 3} more` : ''}`
    : '';
  return message(escapeSlack(oneLine(`${title} in ${run.repo_slug}${fixed}`)), blocks);
}

/** Regressions held by the cooldown and not followed by another message: sent by the sweep, naming tests and linking runs. */
export function rollupMessage(
  repoSlug: string,
  suite: string,
  held: HeldRegression[],
  options: { dashboardUrl?: string | null } = {},
): SlackMessage {
  const tests = held.reduce((n, h) => n + (h.detail.newly_failing_count ?? h.detail.newly_failing?.length ?? 0), 0);
  const title = `${plural(tests, 'more test')} started failing in ${suite} during the cooldown`;
  const first = held.flatMap((h) => h.detail.newly_failing ?? []).slice(0, 3);
  return message(escapeSlack(oneLine(`${title} (${repoSlug})${first.length ? `: ${first.join(', ')}` : ''}`)), [
    header(`:rotating_light: ${escapeSlack(oneLine(title))}`),
    section(`*${escapeSlack(repoSlug)}* · ${plural(held.length, 'run')}`),
    ...sections(heldLines(held, options.dashboardUrl)),
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
