/**
 * The page frame every page renders into: head with the nonce'd stylesheet and
 * auto-refresh script, the top bar (team navigation, who is signed in, sign out)
 * and the main landmark. Pages pass their body as SafeHtml.
 */
import { html, SafeHtml } from '@gstack/core';
import type { Context } from 'hono';
import type { DashboardConfig } from '../config.ts';
import type { DashboardEnv } from '../env.ts';
import { INSIGHTS_STYLES } from './insights-styles.ts';
import { PROBLEM_STYLES } from './problem-styles.ts';
import { QUESTION_STYLES } from './question.ts';
import { REVIEW_STYLES } from './review.ts';
import { STYLES } from './styles.ts';
import { teamSwitcher } from './team-switcher.ts';
import { readTheme, themeToggle } from './theme.ts';
import { WORD_DIFF_STYLES } from './word-diff.ts';

/** Reloads every 60 s while the tab is visible; a hidden tab reloads when it is shown again, if due. */
const REFRESH_SCRIPT = `(()=>{let due=Date.now()+60000;const tick=()=>{if(!document.hidden&&Date.now()>=due)location.reload()};setInterval(tick,5000);document.addEventListener('visibilitychange',tick)})();`;

/** Team pages in the navigation, in order. Part 2 pages add a line here. */
export const TEAM_NAV: Array<{ key: string; label: string; path: string }> = [
  { key: 'overview', label: 'Overview', path: '' },
  { key: 'runs', label: 'Runs', path: '/runs' },
  { key: 'compare', label: 'Compare', path: '/compare' },
  { key: 'trends', label: 'Trends', path: '/trends' },
  { key: 'tests', label: 'Tests', path: '/tests' },
  { key: 'problems', label: 'Problems', path: '/problems' },
  { key: 'costs', label: 'Costs', path: '/costs' },
  { key: 'escalation', label: 'Escalation', path: '/escalation' },
  { key: 'review', label: 'Review', path: '/review' },
  { key: 'leaderboard', label: 'Leaderboard', path: '/leaderboard' },
  { key: 'active', label: 'Active now', path: '/active' },
  { key: 'team', label: 'Team', path: '/team' },
];

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** Which TEAM_NAV entry is current; omit outside team pages. */
  nav?: string;
  /** Auto-refresh (pages that show live numbers). */
  refresh?: boolean;
  status?: 200 | 400 | 403 | 404 | 413 | 429 | 500 | 502;
}

/** A URL inside the app, respecting the base path (the edge function lives under /dashboard). */
export function href(c: Context<DashboardEnv>, path: string): string {
  return `${publicPath(c.var.config)}${path}`;
}

/** The prefix links carry: the public path when a proxy adds one, else the routing base path. */
export function publicPath(config: DashboardConfig | undefined): string {
  return config?.publicPath ?? config?.basePath ?? '';
}

/** This request's path below the routing base path (what href() takes), without the query. */
export function currentPath(c: Context<DashboardEnv>): string {
  return new URL(c.req.url).pathname.slice(c.var.config.basePath.length) || '/';
}

export function teamHref(c: Context<DashboardEnv>, path: string): string {
  return href(c, `/t/${c.var.team.slug}${path}`);
}

export function renderPage(c: Context<DashboardEnv>, options: PageOptions): Response {
  const nonce = c.get('secureHeadersNonce') ?? '';
  const team = c.var.team as DashboardEnv['Variables']['team'] | undefined;
  const user = c.var.user as DashboardEnv['Variables']['user'] | undefined;
  const nav = team
    ? html`<nav aria-label="Team">${TEAM_NAV.map(
        (item) => html`<a href="${teamHref(c, item.path)}"${item.key === options.nav ? html` aria-current="page"` : ''}>${item.label}</a>`,
      )}</nav>`
    : html`<nav aria-label="Main"></nav>`;
  const who = user
    ? html`<div class="who"><span>${user.email ?? ''}</span>
        <form method="post" action="${href(c, '/logout')}"><button type="submit" class="secondary">Sign out</button></form></div>`
    : '';
  const theme = readTheme(c);
  const doc = html`<!doctype html>
<html lang="en"${theme === 'auto' ? '' : html` data-theme="${theme}"`}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="${theme === 'auto' ? 'light dark' : theme}">
<link rel="icon" href="data:,">
<title>${options.title}${team ? ` · ${team.name}` : ''} · gstack</title>
<style nonce="${nonce}">${rawCss()}</style>
${options.refresh ? html`<script nonce="${nonce}">${rawScript()}</script>` : ''}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="${href(c, '/')}">gstack${team ? html` <span class="sub">/ ${team.name}</span>` : ''}</a>
  ${teamSwitcher(c, (path) => href(c, path))}
  ${nav}
  ${themeToggle(c, href(c, '/theme'), c.req.method === 'GET' ? `${currentPath(c)}${new URL(c.req.url).search}` : '/')}
  ${who}
</header>
<main id="main" tabindex="-1">
${options.body}
</main>
</body>
</html>`;
  return c.html(doc.value, options.status ?? 200);
}

// The stylesheet and the script are our own constants, not user input: inserted as is.
function rawCss(): SafeHtml {
  return new SafeHtml(STYLES + INSIGHTS_STYLES + REVIEW_STYLES + QUESTION_STYLES + WORD_DIFF_STYLES + PROBLEM_STYLES);
}
function rawScript(): SafeHtml {
  return new SafeHtml(REFRESH_SCRIPT);
}
