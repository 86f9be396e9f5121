/** The local sign-in page that stands in for a hosted OAuth provider in the PKCE flow. */
import { html, type SafeHtml } from '@gstack/core';

export interface SignInPageParams {
  redirectTo: string;
  codeChallenge: string;
  codeChallengeMethod: string;
  email?: string;
  error?: string;
  /** `signup` shows the create-account form (same flow: it signs the new account in). */
  mode?: 'signin' | 'signup';
}

/** The page's own URL in the other mode, keeping the PKCE parameters. */
function switchUrl(params: SignInPageParams, mode: 'signin' | 'signup'): string {
  const query = new URLSearchParams({
    redirect_to: params.redirectTo,
    code_challenge: params.codeChallenge,
    code_challenge_method: params.codeChallengeMethod,
    mode,
  });
  return `authorize?${query.toString()}`;
}

export function signInPage(params: SignInPageParams): SafeHtml {
  const signup = params.mode === 'signup';
  const title = signup ? 'Create an account' : 'Sign in';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · gstack local stack</title>
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
  <h1>${title}</h1>
  ${params.error ? html`<p class="error" role="alert">${params.error}</p>` : ''}
  <label>Email <input name="email" type="email" autocomplete="email" required value="${params.email ?? ''}"></label>
  <label>Password <input name="password" type="password" autocomplete="${signup ? 'new-password' : 'current-password'}" required${signup ? html` minlength="6"` : ''}></label>
  <input type="hidden" name="mode" value="${signup ? 'signup' : 'signin'}">
  <input type="hidden" name="redirect_to" value="${params.redirectTo}">
  <input type="hidden" name="code_challenge" value="${params.codeChallenge}">
  <input type="hidden" name="code_challenge_method" value="${params.codeChallengeMethod}">
  <button type="submit">${title}</button>
  <p class="hint">${
    signup
      ? html`Have an account? <a href="${switchUrl(params, 'signin')}">Sign in</a>`
      : html`No account yet? <a href="${switchUrl(params, 'signup')}">Create one</a>`
  }</p>
  <p class="hint">Local stack: this page stands in for your identity provider.</p>
</form>
</body>
</html>`;
}

export function errorPage(message: string): SafeHtml {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head>
<body style="font-family: system-ui, sans-serif; padding: 2rem"><h1>Sign-in error</h1><p>${message}</p></body></html>`;
}
