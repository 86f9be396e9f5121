/** What the analytics commands share: where local results are, output style, option parsers. */
import { format } from 'date-fns';
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

export function positiveInt(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new UserError(`${name} must be a positive integer, not ${JSON.stringify(value)}`);
    return n;
  };
}

/** Local time, minutes: 2026-11-21 10:42. */
export function when(iso: string): string {
  return format(new Date(iso), 'yyyy-MM-dd HH:mm');
}

export function day(iso: string): string {
  return format(new Date(iso), 'yyyy-MM-dd');
}
