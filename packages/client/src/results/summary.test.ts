/**
 * Result summaries: `list` and `status` read the small summary beside each
 * result file instead of parsing the document, trust it only while the
 * document is unchanged, and fall back to (and repair from) the document.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localRunRows } from '../analytics/local.ts';
import { writeResultFile } from '../runner/results-store.ts';
import { pendingByRepo, pendingResults } from '../sync/push/results.ts';
import { makeRun, writeHistory } from '../testing/history.ts';
import { noPushMarker, resultFileName, resultsDir, summaryPath } from './layout.ts';
import { rowFromDoc } from './summary.ts';

let state: string;
beforeEach(() => {
  state = mkdtempSync(path.join(os.tmpdir(), 'gstack-summary-'));
});
afterEach(() => rmSync(state, { recursive: true, force: true }));

async function writeRun(hoursAgo: number, suite = 'smoke') {
  const doc = makeRun({ suite, hoursAgo, tests: { a: true, b: false } });
  const file = path.join(resultsDir(state, 'acme-app'), resultFileName(doc.timestamp, doc.suite));
  await writeResultFile(file, doc);
  return { doc, file };
}

describe('result summaries', () => {
  it('are written beside each result and give list its rows, newest first', async () => {
    const older = await writeRun(5);
    const newer = await writeRun(1, 'other');
    expect(existsSync(summaryPath(newer.file))).toBe(true);
    expect(localRunRows(state, 'acme-app')).toEqual([rowFromDoc(newer.doc), rowFromDoc(older.doc)]);
  });

  it('are what list reads while the document is unchanged (the document is not parsed)', async () => {
    const { doc, file } = await writeRun(1);
    // A whole-second mtime (utimes cannot restore a finer one); the first read makes the summary current again.
    const mtime = new Date(Math.floor(Date.now() / 1000) * 1000);
    utimesSync(file, mtime, mtime);
    localRunRows(state, 'acme-app');
    // Same size and mtime, different bytes: only a reader of the summary still sees the run.
    writeFileSync(file, 'x'.repeat(statSync(file).size));
    utimesSync(file, mtime, mtime);
    expect(localRunRows(state, 'acme-app').map((r) => r.runKey)).toEqual([doc.run_id]);
  });

  it('are ignored once the document changed, and rewritten from it', async () => {
    const { doc, file } = await writeRun(1);
    const edited = { ...doc, suite: 'renamed-by-hand' };
    writeFileSync(file, JSON.stringify(edited));
    expect(localRunRows(state, 'acme-app').map((r) => r.suite)).toEqual(['renamed-by-hand']);
    expect(JSON.parse(readFileSync(summaryPath(file), 'utf8')).row.suite).toBe('renamed-by-hand');
  });

  it('are made for result files an older gstack wrote, and unreadable files are reported, not listed', () => {
    const [doc] = writeHistory(state, [{ hoursAgo: 2, tests: { a: true } }]);
    writeFileSync(path.join(resultsDir(state, 'acme-app'), 'broken.json'), '{ nope');
    const warnings: string[] = [];
    expect(localRunRows(state, 'acme-app', (w) => warnings.push(w)).map((r) => r.runKey)).toEqual([doc?.run_id]);
    expect(warnings).toEqual([expect.stringMatching(/broken\.json: not valid JSON .*; skipped$/)]);
    expect(existsSync(summaryPath(path.join(resultsDir(state, 'acme-app'), resultFileName(doc?.timestamp ?? '', 'smoke'))))).toBe(true);
  });

  it('let status count pending runs without loading them, the same counts a push computes', async () => {
    const synced = await writeRun(3);
    const held = await writeRun(2);
    writeFileSync(noPushMarker(held.file), '');
    await writeRun(1);
    writeFileSync(path.join(resultsDir(state, 'acme-app'), 'broken.json'), '{ nope');
    const isSynced = (id: string) => id === synced.doc.run_id;
    const counted = pendingResults(state, isSynced, { load: false });
    expect(counted.every((p) => p.result === undefined)).toBe(true);
    expect(pendingByRepo(counted)).toEqual([{ repo: 'acme-app', pending: 1, held: 1, unreadable: 1 }]);
    expect(pendingByRepo(pendingResults(state, isSynced))).toEqual(pendingByRepo(counted));
  });
});
