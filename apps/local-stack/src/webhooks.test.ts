import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './webhooks.ts';

describe('BoundedQueue (webhook dispatch)', () => {
  it('runs every task, in order, never more than the limit at once', async () => {
    const queue = new BoundedQueue(3);
    const started: number[] = [];
    const release: Array<() => void> = [];
    for (let i = 0; i < 50; i++)
      queue.push(() => {
        started.push(i);
        return new Promise<void>((resolve) => release.push(resolve));
      });
    expect(started).toEqual([0, 1, 2]);
    const idle = queue.idle();
    while (release.length) {
      release.shift()?.();
      await Promise.resolve();
      await new Promise((r) => setImmediate(r));
    }
    await idle;
    expect(started).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(queue.peak).toBe(3);
    expect(queue.size).toBe(0);
  });

  it('keeps going after a task fails', async () => {
    const queue = new BoundedQueue(1);
    const done: string[] = [];
    queue.push(() => Promise.reject(new Error('boom')));
    queue.push(async () => {
      done.push('second');
    });
    await queue.idle();
    expect(done).toEqual(['second']);
  });
});
