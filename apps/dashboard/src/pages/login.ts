/** The sign-in page: email and password, plus "Continue with <provider>" for each configured provider. */
import { html } from '@gstack/core';
import type { Context } from 'hono';
import type { DashboardEnv } from '../env.ts';
import { href, renderPage } from '../ui/layout.ts';

const PROVIDER_NAMES: Record<string, string> = {
  github: 'GitHub',
  google: 'Google',
  gitlab: 'GitLab',
  azure: 'Microsoft',
  bitbucket: 'Bitbucket',
};

export function providerName(id: string): string {
  return PROVIDER_NAMES[id] ?? id.charAt(0).toUpperCase() + id.slice(1);
}

export function loginPage(
  c: Context<DashboardEnv>,
  options: { next: string; error?: string; email?: string; status?: 200 | 400 | 429 },
): Response {
  const providers = c.var.config.providers;
  const body = html`<div class="login">
  <h1>Sign in to gstack</h1>
  ${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
  <form method="post" action="${href(c, '/login')}">
    <input type="hidden" name="next" value="${options.next}">
    <label>Email <input type="email" name="email" autocomplete="username" required value="${options.email ?? ''}"></label>
    <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
    <button type="submit">Sign in</button>
  </form>
  ${
    providers.length
      ? html`<p class="or">or</p>${providers.map(
          (p) =>
            html`<p><a class="button secondary" href="${href(c, `/login/${p}?next=${encodeURIComponent(options.next)}`)}">Continue with ${providerName(p)}</a></p>`,
        )}`
      : ''
  }
</div>`;
  return renderPage(c, { title: 'Sign in', body, status: options.status });
}
