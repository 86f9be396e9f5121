/** A signed-in dashboard session without a browser: the sign-in form posted, its cookies as one header. */
import { expect } from 'vitest';

/** Signs `who` in at the Node dashboard `url` and returns the Cookie header the pages want. */
export async function signInCookie(url: string, who: { email: string; password: string }): Promise<string> {
  const login = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: new URLSearchParams({ email: who.email, password: who.password, next: '/' }),
    redirect: 'manual',
  });
  expect(login.status).toBe(303);
  return login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}
