/** What the analytics commands share: where local results are, output style, option parsers. */
import { style, useColor } from '../../cli/term.ts';
import { UserError } from '../../errors.ts';
import { gitInfo } from '../../runner/git.ts';
import { statePaths } from '../../state-dir.ts';

export interface AnalyticsFlags {
  json?: boolean;
  team?: boolean;
  repo?: string;
}

export function analyticsContext(flags: AnalyticsFlags) {
  return {
    stateRoot: statePaths(process.env).root,
    repoSlug: flags.repo ?? gitInfo(process.cwd()).repoSlug,
    s: style(useColor(process.stdout)),
    warn: (line: string) => process.stderr.write(`note: ${line}\n`),
  };
}

/**
 * The repository a `--team` read is limited to: `--repo SLUG`, or none (every
 * repository of the team) without it or with `--repo all`. Local reads use the
 * current repository by default instead (analyticsContext's repoSlug).
 */
export function teamRepo(flags: AnalyticsFlags): string | undefined {
  return flags.repo && flags.repo !== 'all' ? flags.repo : undefined;
}

/** `--repo` help, one wording for every analytics command. */
export const REPO_HELP = 'this repository (default: the current one locally, every one with --team; "all" for every one)';

export function positiveInt(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new UserError(`${name} must be a positive integer, not ${JSON.stringify(value)}`);
    return n;
  };
}

/** Local time, minutes: 2026-11-21 10:42. */
const pad = (n: number) => String(n).padStart(2, '0');

/** `yyyy-MM-dd HH:mm` in local time (by hand: a date library costs `list` tens of milliseconds of start-up). */
export function when(iso: string): string {
  const d = new Date(iso);
  return `${day(iso)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `yyyy-MM-dd` in local time. */
export function day(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `--since`: a span back from now (`7d`, `12h`, `30m`) or a date (`2026-11-01`, any ISO time) → an ISO time. */
export function parseSince(value: string, now = Date.now()): string {
  const span = /^(\d+)\s*([dhm])$/.exec(value.trim());
  if (span) return new Date(now - Number(span[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[span[2] as 'd' | 'h' | 'm']).toISOString();
  const date = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(date))
    throw new UserError(`--since must be a span such as 7d, 12h or 30m, or a date such as 2026-11-01, not ${JSON.stringify(value)}`);
  return new Date(date).toISOString();
}

/** The first 8 characters of a run id: enough to tell runs apart, and what `compare` and `show` accept as a prefix. */
export function shortRunId(runId: string): string {
  return runId.slice(0, 8);
}
