/**
 * Real Chromium for browser tests: Debian's /usr/bin/chromium driven by
 * playwright-core, headless with a fresh profile; and screenshots of a page
 * in light and dark under .gstack-test/screenshots/; auditPage checks a page
 * with axe-core and for sideways scrolling at desktop and phone width.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SCREENSHOTS = path.join(root, '.gstack-test', 'screenshots');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Saves `<name>-light.png` and `<name>-dark.png` of the page as it is now (full page). */
export async function screenshotBothThemes(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Collects what must never happen on our pages: dialogs (script ran), console errors (CSP blocks, broken code). */
export function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return problems;
}

/** Signs in through the dashboard's /login form in a new page of `context`, asking for `to` first. */
export async function signInWithForm(
  context: BrowserContext,
  dashboardUrl: string,
  who: { email: string; password: string },
  to = '/',
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${dashboardUrl}${to}`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return page;
}

/** The two widths every page is checked at: a laptop and a 390 px phone. */
export const VIEWPORTS = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

/** Rules the adoption review named that axe rates below serious: failed on too. */
const ALSO_FAILED = ['empty-table-header'];

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AuditFinding {
  view: string;
  problem: string;
}

/**
 * Checks the page as it is now at each width in light and dark: axe-core's
 * serious and critical violations (and ALSO_FAILED's), and (at every width) a document wider than
 * the viewport (the page scrolls sideways) or a table wider than its plain panel (key columns cut
 * off; only .panel.scroll regions, keyboard-focusable, may scroll). Saves `<name>-<width>-<theme>.png`.
 * Returns the findings, empty when the page passes; the page is left at desktop width in light.
 */
export async function auditPage(page: Page, name: string): Promise<AuditFinding[]> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const findings: AuditFinding[] = [];
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const view = `${name} ${viewport.width}px ${scheme}`;
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > viewport.width) findings.push({ view, problem: `document is ${width}px wide, viewport ${viewport.width}px` });
      // A table in a plain panel keeps its key columns in view: it fits (only .panel.scroll regions scroll).
      const cut = await page.evaluate(() =>
        [...document.querySelectorAll('.panel:not(.scroll) > table')]
          .filter((t) => t.scrollWidth > (t.parentElement?.clientWidth ?? 0) + 1)
          .map((t) => `table ${t.className || '(no class)'} is ${t.scrollWidth}px wide in a ${t.parentElement?.clientWidth}px panel`),
      );
      for (const problem of cut) findings.push({ view, problem });
      // Evaluated through the DevTools protocol, so the page's CSP (nonce'd scripts only) does not apply.
      if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
      const violations = await page.evaluate(async (alsoFailed) => {
        // biome-ignore lint/suspicious/noExplicitAny: axe is injected above, untyped in the page.
        const axe = (window as any).axe;
        const result = await axe.run(document, { resultTypes: ['violations'] });
        return (result.violations as Array<{ id: string; impact: string; nodes: Array<{ target: string[]; failureSummary: string }> }>)
          .filter((v) => v.impact === 'serious' || v.impact === 'critical' || alsoFailed.includes(v.id))
          .map(
            (v) =>
              `${v.impact} ${v.id} ×${v.nodes.length}: ${v.nodes
                .slice(0, 3)
                .map((n) => n.target.join(' '))
                .join(', ')}`,
          );
      }, ALSO_FAILED);
      for (const problem of violations) findings.push({ view, problem });
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${viewport.width}-${scheme}.png`), fullPage: true });
    }
  }
  await page.setViewportSize({ width: VIEWPORTS[0].width, height: VIEWPORTS[0].height });
  await page.emulateMedia({ colorScheme: 'light' });
  return findings;
}
