import { describe, expect, it } from 'vitest';
import { adminCreateUserBody, credentialsBody, listUsersQuery } from './schemas.ts';

describe('GoTrue request schemas', () => {
  it('take optional fields as optional (a missing key is not a refusal)', () => {
    // supabase-js' auth.admin.createUser sends no email_confirm unless asked.
    expect(adminCreateUserBody.parse({ email: ' x@example.test ', password: 'password-123' })).toEqual({
      email: 'x@example.test',
      password: 'password-123',
      email_confirm: false,
    });
    expect(adminCreateUserBody.parse({ email: 'x@example.test', email_confirm: true }).email_confirm).toBe(true);
    expect(listUsersQuery.parse({})).toEqual({ page: 1, per_page: 50 });
    expect(listUsersQuery.parse({ page: '3', per_page: '5000' })).toEqual({ page: 3, per_page: 1000 });
    expect(credentialsBody.parse({ email: 'a@b.test', password: 'pw', data: 'not an object' })).toEqual({
      email: 'a@b.test',
      password: 'pw',
    });
  });

  it('refuse what GoTrue refuses', () => {
    expect(adminCreateUserBody.safeParse({ password: 'x' }).success).toBe(false);
    expect(credentialsBody.safeParse({ email: 'a@b.test', password: '' }).success).toBe(false);
  });
});
