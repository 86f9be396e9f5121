/**
 * Progress persistence: the _partial file grows by one line per finished test
 * (O(n) for the run, not a rewrite per test), a crash loses nothing that
 * finished, and every reader (watch, readResultFile for push/list) reads it.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { standardEvalResultSchema } from '@gstack/core';
import { afterEach, describe, expect, it } from 'vitest';
import { partialPath } from '../results/layout.ts';
import { type EvalFixture, evalFixture } from '../testing/eval-fixture.ts';
import { PartialWriter, readPartialFile, readResultFile } from './results-store.ts';

let fx: EvalFixture;
afterEach(async () => {
  await fx?.close();
});

const tests = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    name: `t${i}`,
    category: i % 2 ? 'odd' : 'even',
    prompt: `say ${i}`,
    expect: [{ contains: 'ok' }],
  }));

describe('the partial file', () => {
  it('gets one appended line per finished test after a header, and reads back as the run so far', async () => {
    fx = await evalFixture(
      (req) => ({ text: JSON.stringify(req.body.messages).includes('say 3') ? 'no' : 'ok' }),
      () => ({ text: 'ok' }),
    );
    fx.writeModels({ default_chain: ['local/small'], verifier: undefined, judge: undefined });
    const resultFile = path.join(fx.dir, 'out', 'run.json');
    const writer = new PartialWriter(resultFile);
    const sizes: number[] = [];
    const doc = await fx.run(fx.writeSuite({ suite: 'many', defaults: { concurrency: 3 }, tests: tests(12) }), {
      partial: {
        start: (header) => writer.start(header),
        append: async (result, running) => {
          await writer.append(result, running);
          sizes.push(readFileSync(writer.file).length);
        },
      },
    });
    expect(writer.file).toBe(partialPath(resultFile));
    const lines = readFileSync(writer.file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 12);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      gstack_partial: 1,
      header: { suite: 'many', planned_tests: 12, run_id: doc.run_id },
    });
    // Each finished test adds about one result's worth of bytes: nothing is rewritten.
    const growth = sizes.slice(1).map((size, i) => size - (sizes[i] ?? 0));
    expect(Math.max(...growth)).toBeLessThan(2 * Math.min(...growth));

    const partial = standardEvalResultSchema.parse(readPartialFile(writer.file));
    expect(partial).toMatchObject({
      interrupted: true,
      run_id: doc.run_id,
      planned_tests: 12,
      totals: { tests: 12, passed: 11, failed: 1, errors: 0 },
      pass_rate: doc.pass_rate,
      by_category: doc.by_category,
      cost_usd: doc.cost_usd,
    });
    expect(partial.all_results.map((r) => r.name).sort()).toEqual(doc.all_results.map((r) => r.name).sort());
  });

  it('survives a line cut short by a crash, and is read by readResultFile (push, list)', async () => {
    fx = await evalFixture(
      () => ({ text: 'ok' }),
      () => ({ text: 'ok' }),
    );
    fx.writeModels({ default_chain: ['local/small'], verifier: undefined, judge: undefined });
    const resultFile = path.join(fx.dir, 'out', 'crashed.json');
    const writer = new PartialWriter(resultFile);
    await fx.run(fx.writeSuite({ suite: 'crash', tests: tests(3) }), { partial: writer });
    appendFileSync(writer.file, '{"result": {"name": "t9", "passed": tr');
    const read = readResultFile(writer.file);
    expect(read.ok).toBe(true);
    if (read.ok) {
      expect(read.doc.all_results.map((r) => r.name).sort()).toEqual(['t0', 't1', 't2']);
      expect(read.doc.interrupted).toBe(true);
    }
    // A whole-document partial file (older writers) still reads.
    const whole = path.join(fx.dir, 'out', 'old_partial.json');
    writeFileSync(whole, JSON.stringify({ suite: 'x', all_results: [] }));
    expect(readPartialFile(whole)).toMatchObject({ suite: 'x' });
    expect(readPartialFile(path.join(fx.dir, 'absent_partial.json'))).toBeUndefined();
  });
});
