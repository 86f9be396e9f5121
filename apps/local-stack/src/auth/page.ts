/** The local sign-in page that stands in for a hosted OAuth provider in the PKCE flow. */
import { html, type SafeHtml } from '@gstack/core';

export interface SignInPageParams {
  redirectTo: string;
  codeChallenge: string;
  codeChallengeMethod: string;
  email?: string;
  error?: string;
}

export function signInPage(params: SignInPageParams): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · gstack local stack</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { display: grid; place-items: center; min-height: 100vh; margin: 0; }
  form { display: grid; gap: .75rem; width: min(22rem, 90vw); padding: 2rem; border: 1px solid #8884; border-radius: 12px; }
  input, button { font: inherit; padding: .55rem .7rem; border-radius: 8px; border: 1px solid #8886; }
  button { cursor: pointer; background: #3b82f6; color: white; border: 0; }
  .error { color: #dc2626; margin: 0; }
  .hint { font-size: .85rem; opacity: .7; margin: 0; }
</style>
</head>
<body>
<form method="post" action="authorize">
  <h1>Sign in</h1>
  ${params.error ? html`<p class="error" role="alert">${params.error}</p>` : ''}
  <label>Email <input name="email" type="email" autocomplete="email" required value="${params.email ?? ''}"></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <input type="hidden" name="redirect_to" value="${params.redirectTo}">
  <input type="hidden" name="code_challenge" value="${params.codeChallenge}">
  <input type="hidden" name="code_challenge_method" value="${params.codeChallengeMethod}">
  <button type="submit">Sign in</button>
  <p class="hint">Local stack: this page stands in for your identity provider.</p>
</form>
</body>
</html>`;
}

export function errorPage(message: string): SafeHtml {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head>
<body style="font-family: system-ui, sans-serif; padding: 2rem"><h1>Sign-in error</h1><p>${message}</p></body></html>`;
}
