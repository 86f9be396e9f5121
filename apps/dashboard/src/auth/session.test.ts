import { describe, expect, it } from 'vitest';
import { safeNext } from './session.ts';

describe('safeNext', () => {
  it('keeps paths on this site', () => {
    expect(safeNext('/t/acme/runs?suite=a')).toBe('/t/acme/runs?suite=a');
  });
  it.each([undefined, '', 'https://evil.example/', '//evil.example', '/\\evil.example', '/\t/evil.example', 'javascript:alert(1)'])(
    'sends %j home',
    (value) => {
      expect(safeNext(value)).toBe('/');
    },
  );
});
