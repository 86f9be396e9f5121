/**
 * Redirect validation for the sign-in flow, the way GoTrue does it: a
 * `redirect_to` is honoured only when it parses as an http(s) URL without
 * userinfo and either has exactly the site URL's scheme, host and port or
 * matches one of `additional_redirect_urls` (Supabase's glob patterns: `*`
 * matches within one host label or path segment, `**` matches anything, `?`
 * one character). Anything else falls back to the site URL, so a PKCE code is
 * never sent to a host the project did not list.
 */

export interface RedirectPolicy {
  siteUrl: string;
  additionalRedirectUrls: string[];
}

/** Parses a candidate, refusing the shapes browsers and parsers disagree on. */
function parseCandidate(candidate: string): URL | null {
  // Backslashes, whitespace and control characters are normalised differently by
  // browsers and parsers (`http:\\evil`, `http://a\t@b`): refuse rather than guess.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse them
  if (/[\\\s\u0000-\u001f\u007f]/.test(candidate)) return null;
  if (!/^https?:\/\/[^/]/i.test(candidate)) return null; // scheme-relative, relative, other schemes
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // Userinfo (`http://site@evil/`, even an empty `http://@evil/`) hides the real host from a reader.
  const authority = candidate.slice(candidate.indexOf('//') + 2).split(/[/?#]/)[0] ?? '';
  if (url.username || url.password || authority.includes('@')) return null;
  return url;
}

/** Compiles one Supabase redirect glob to an anchored regular expression. */
function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (char === '*') {
      source += '[^./]*';
    } else if (char === '?') {
      source += '[^./]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 'i');
}

function sameOrigin(url: URL, base: string): boolean {
  try {
    const site = new URL(base);
    return site.protocol === url.protocol && site.hostname === url.hostname && site.port === url.port;
  } catch {
    return false;
  }
}

/** True when `candidate` may receive a sign-in code under `policy`. */
export function isAllowedRedirect(candidate: string, policy: RedirectPolicy): boolean {
  const url = parseCandidate(candidate);
  if (!url) return false;
  if (sameOrigin(url, policy.siteUrl)) return true;
  // Match the canonical form (the parser's host and path), never the raw string,
  // so tricks in the raw text cannot line up with a pattern.
  const canonical = `${url.protocol}//${url.host}${url.pathname}`;
  const forms = url.pathname === '/' ? [canonical, canonical.slice(0, -1)] : [canonical];
  return policy.additionalRedirectUrls.some((pattern) => {
    const regexp = globToRegExp(pattern);
    return forms.some((form) => regexp.test(form));
  });
}

/** The redirect to use: `candidate` when allowed, otherwise the site URL (GoTrue's fallback). */
export function resolveRedirect(candidate: string | undefined, policy: RedirectPolicy): string {
  return candidate && isAllowedRedirect(candidate, policy) ? candidate : policy.siteUrl;
}
