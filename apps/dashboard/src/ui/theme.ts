/**
 * The reader's theme: "auto" follows prefers-color-scheme, "light" or "dark"
 * overrides it. Kept in a cookie (no script needed) and applied as
 * data-theme on <html>; the toggle is a one-button form that cycles
 * auto → light → dark and returns to the same page.
 */
import { html, type SafeHtml } from '@gstack/core';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { DashboardEnv } from '../env.ts';

export const THEMES = ['auto', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export const THEME_COOKIE = 'gstack_theme';
const LABEL: Record<Theme, string> = { auto: 'Auto', light: 'Light', dark: 'Dark' };

export function readTheme(c: Context<DashboardEnv>): Theme {
  const value = getCookie(c, THEME_COOKIE);
  return THEMES.find((t) => t === value) ?? 'auto';
}

/**
 * The header's toggle (posting to `action`): shows the current theme, switches to the next one and
 * returns to `here` (a path below the base path).
 */
export function themeToggle(c: Context<DashboardEnv>, action: string, here: string): SafeHtml {
  const current = readTheme(c);
  const next = THEMES[(THEMES.indexOf(current) + 1) % THEMES.length] as Theme;
  return html`<form class="theme" method="post" action="${action}">
    <input type="hidden" name="next" value="${here}">
    <button type="submit" class="secondary" name="theme" value="${next}" aria-label="Theme: ${LABEL[current]}${current === 'auto' ? ' (follows the system)' : ''}. Switch to ${LABEL[next]}" title="Switch to ${LABEL[next]}">Theme: ${LABEL[current]}</button>
  </form>`;
}
