/**
 * Reports through the real CLI: `--html` writes one self-contained, escaped
 * report (opened here in real Chromium at desktop and phone widths, both
 * themes; screenshots under .gstack-test/screenshots/), `--csv` one row per
 * result with formula cells defused, and `gstack eval view` the local runs
 * without a stack.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { run } from '../../testing/cli.ts';
import { FakeLlmServer, lastUserText } from '../../testing/fake-llm.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../../../../.gstack-test/screenshots/', import.meta.url));
const HOSTILE = '<img src=x onerror=alert(1)><script>alert(2)</script>';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await new FakeLlmServer('openai', (req) => ({
    text: lastUserText(req).includes('France') ? 'Paris' : `=HYPERLINK("x") ${HOSTILE}`,
  })).start();
});
afterAll(async () => {
  await server.close();
});

function workspace() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-reports-'));
  const env = { PATH: process.env.PATH ?? '', HOME: dir, GSTACK_STATE_DIR: path.join(dir, 'state'), NO_COLOR: '1' };
  writeFileSync(path.join(dir, 'models.yaml'), stringify({ providers: { box: { type: 'openai', base_url: `${server.url}/v1` } } }));
  writeFileSync(
    path.join(dir, 'suite.yaml'),
    stringify({
      suite: 'capitals',
      tests: [
        { name: 'france', prompt: 'Capital of France?', expect: [{ contains: 'Paris' }] },
        { name: HOSTILE, category: 'hostile', prompt: 'Anything?', expect: [{ contains: 'Paris' }] },
      ],
    }),
  );
  return { dir, env };
}

describe('reports', () => {
  it('--html writes a self-contained escaped report that renders in Chromium; --csv one row per result', async () => {
    const w = workspace();
    const out = await run(
      'gstack',
      ['eval', 'run', 'suite.yaml', '--model', 'box/a', '--model', 'box/b', '--html', 'report.html', '--csv', 'report.csv'],
      w.env,
      w.dir,
    );
    expect(out.code).toBe(1);
    const page = readFileSync(path.join(w.dir, 'report.html'), 'utf8');
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);

    const rows = parse(readFileSync(path.join(w.dir, 'report.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.model, r.test, r.passed])).toEqual([
      ['box/a', 'france', 'true'],
      ['box/a', HOSTILE, 'false'],
      ['box/b', 'france', 'true'],
      ['box/b', HOSTILE, 'false'],
    ]);
    expect(rows[1]?.output).toBe(`'=HYPERLINK("x") ${HOSTILE}`);

    mkdirSync(SCREENSHOTS, { recursive: true });
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    try {
      for (const [label, viewport] of [
        ['desktop', { width: 1280, height: 900 }],
        ['phone', { width: 390, height: 844 }],
      ] as const) {
        const context = await browser.newContext({ viewport });
        const tab = await context.newPage();
        const problems: string[] = [];
        const requests: string[] = [];
        tab.on('dialog', (d) => {
          problems.push(`dialog: ${d.message()}`);
          void d.dismiss();
        });
        tab.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
        tab.on('request', (r) => requests.push(r.url()));
        await tab.goto(pathToFileURL(path.join(w.dir, 'report.html')).href);
        expect(await tab.locator('script, img').count()).toBe(0);
        expect(await tab.getByText(HOSTILE).count()).toBeGreaterThan(0);
        expect(await tab.locator('h2').allTextContents()).toEqual(['capitals box/a', 'capitals box/b']);
        // Nothing wider than the viewport on a phone.
        expect(await tab.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
        for (const scheme of ['light', 'dark'] as const) {
          await tab.emulateMedia({ colorScheme: scheme });
          await tab.screenshot({ path: path.join(SCREENSHOTS, `eval-report-${label}-${scheme}.png`), fullPage: true });
        }
        expect(problems).toEqual([]);
        expect(requests.every((u) => u.startsWith('file://'))).toBe(true);
        await context.close();
      }
    } finally {
      await browser.close();
    }
  });

  it('gstack eval view writes the local runs as a report without a stack', async () => {
    const w = workspace();
    await run('gstack', ['eval', 'run', 'suite.yaml', '--model', 'box/a', '--no-push'], w.env, w.dir);
    const repo = path.basename(w.dir).toLowerCase();
    const view = await run('gstack', ['eval', 'view', '--no-open', '--repo', repo], w.env, w.dir);
    const file = path.join(w.env.GSTACK_STATE_DIR, 'report.html');
    expect([view.code, view.stdout]).toEqual([0, `wrote ${file} (1 run)\n`]);
    expect(readFileSync(file, 'utf8')).toContain('<h2>capitals <span class="meta">box/a</span></h2>');
    const none = await run('gstack', ['eval', 'view', '--no-open', '--suite', 'nothing', '--repo', repo], w.env, w.dir);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no local runs of suite nothing');
  });
});
