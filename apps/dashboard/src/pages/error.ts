/** The error page: a message and a way back, with the error's status. */
import { html } from '@gstack/core';
import type { Context } from 'hono';
import type { DashboardEnv } from '../env.ts';
import { href, renderPage } from '../ui/layout.ts';

export function errorPage(c: Context<DashboardEnv>, status: 400 | 403 | 404 | 413 | 500 | 502, message: string): Response {
  const title =
    status === 404
      ? 'Not found'
      : status === 403
        ? 'Not allowed'
        : status === 400
          ? 'Check the address'
          : status === 413
            ? 'Too large'
            : 'Something went wrong';
  const body = html`<div class="panel empty"><h1>${title}</h1><p>${message}</p><p><a href="${href(c, '/')}">Back to your teams</a></p></div>`;
  return renderPage(c, { title, body, status });
}
