import { describe, expect, it } from 'vitest';
import { emailProblem } from './email.ts';

describe('emailProblem', () => {
  it.each(['ada@example.com', 'a.b+tag@sub.example.co.uk', "o'neil@example.org", 'x@a-b.example'])('accepts %s', (email) => {
    expect(emailProblem(email)).toBeUndefined();
  });

  it.each([
    ['', 'an email address is required'],
    ['ada', 'is not a valid email address'],
    ['ada@localhost', 'is not a valid email address'],
    ['ada@@example.com', 'is not a valid email address'],
    ['ada@example..com', 'is not a valid email address'],
    ['.ada@example.com', 'is not a valid email address'],
    ['ada.@example.com', 'is not a valid email address'],
    ['a..da@example.com', 'is not a valid email address'],
    ['ada @example.com', 'is not a valid email address'],
    ['<script>@example.com', 'is not a valid email address'],
    ['ada@-example.com', 'is not a valid email address'],
    [`${'a'.repeat(250)}@example.com`, 'at most 254'],
  ])('refuses %j', (email, message) => {
    expect(emailProblem(email)).toContain(message);
  });
});
