/** The app's edges without a stack: sign-in redirects, base paths, CSRF refusals, the 404 page and its headers. */
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDashboardApp } from './app.ts';
import { startDashboard } from './node.ts';
import { FORM_BODY_LIMIT } from './security.ts';

// Nothing listens here: these requests never reach Supabase (no session cookie, refused posts).
// Node 20 has no global WebSocket: supabase-js gets ws, as node.ts gives it.
const config = { supabaseUrl: 'http://127.0.0.1:9', supabaseKey: 'sb_publishable_test', realtimeTransport: WebSocket };

describe('dashboard app', () => {
  it('sends signed-out visitors to /login with the page to come back to', async () => {
    const app = createDashboardApp(config);
    for (const [path, next] of [
      ['/', '/'],
      ['/t/acme', '/t/acme'],
      ['/t/acme/runs?suite=a&offset=50', '/t/acme/runs?suite=a&offset=50'],
    ] as const) {
      const res = await app.request(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent(next)}`);
    }
  });

  it('routes under basePath and links under publicPath (the edge function)', async () => {
    const app = createDashboardApp({ ...config, basePath: '/dashboard', publicPath: '/functions/v1/dashboard' });
    const res = await app.request('/dashboard/t/acme/runs');
    expect(res.headers.get('location')).toBe(`/functions/v1/dashboard/login?next=${encodeURIComponent('/t/acme/runs')}`);
    const login = await (await app.request('/dashboard/login?next=/t/acme')).text();
    expect(login).toContain('action="/functions/v1/dashboard/login"');
    // The theme toggle posts under the public path and comes back to this page.
    expect(login).toContain('action="/functions/v1/dashboard/theme"');
    expect(login).toContain('name="next" value="/login?next=/t/acme"');
    const theme = await app.request('http://dash.test/dashboard/theme', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://dash.test' },
      body: 'theme=dark&next=%2Flogin',
    });
    expect(theme.status).toBe(303);
    expect(theme.headers.get('location')).toBe('/functions/v1/dashboard/login');
    expect(theme.headers.get('set-cookie')).toContain(
      'gstack_theme=dark; Max-Age=31536000; Path=/functions/v1/dashboard; HttpOnly; SameSite=Lax',
    );
  });

  it('renders the theme from its cookie and ignores an unknown value', async () => {
    const app = createDashboardApp(config);
    const page = async (cookie: string) => (await app.request('/login', { headers: { cookie } })).text();
    expect(await page('gstack_theme=dark')).toContain('<html lang="en" data-theme="dark">');
    expect(await page('gstack_theme=light')).toContain('Theme: Light');
    const odd = await page('gstack_theme=%22%3E%3Cscript%3E');
    expect(odd).toContain('<html lang="en">');
    expect(odd).toContain('Theme: Auto');
  });

  it('refuses form posts from another origin with 403', async () => {
    const app = createDashboardApp(config);
    for (const path of ['/login', '/logout']) {
      const res = await app.request(`http://dash.test${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
        body: 'email=a%40b.c&password=x',
      });
      expect(res.status, path).toBe(403);
      expect(await res.text()).toContain('sent from another site');
    }
  });

  it('answers unknown paths with the 404 page and the security headers', async () => {
    const res = await createDashboardApp(config).request('/nope/<script>');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(await res.text()).toContain('<h1>Not found</h1>');
  });

  it('offers each configured provider on the sign-in page, and no others', async () => {
    const app = createDashboardApp({ ...config, providers: ['github'] });
    expect(await (await app.request('/login')).text()).toContain('Continue with GitHub');
    expect((await app.request('/login/google')).status).toBe(404);
  });

  it('refuses a form body over the limit with 413, declared or streamed, and reads small ones', async () => {
    const app = createDashboardApp(config);
    const post = (body: BodyInit, headers: Record<string, string> = {}) =>
      app.request('http://dash.test/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://dash.test', ...headers },
        body,
        duplex: 'half',
      } as RequestInit);
    const big = `email=a%40b.c&password=${'x'.repeat(FORM_BODY_LIMIT)}`;
    const declared = await post(big, { 'content-length': String(big.length) });
    expect(declared.status).toBe(413);
    expect(await declared.text()).toContain('This form sent more than 32 KB');
    const chunks = [new TextEncoder().encode(big.slice(0, 20_000)), new TextEncoder().encode(big.slice(20_000))];
    const streamed = await post(new ReadableStream({ pull: (ctl) => (chunks.length ? ctl.enqueue(chunks.shift()) : ctl.close()) }));
    expect(streamed.status).toBe(413);
    // A normal form is read: the missing password is the answer, not the size.
    const small = await post('email=a%40b.c');
    expect(small.status).toBe(400);
    expect(await small.text()).toContain('Enter your email and password.');
  });

  it('answers a huge upload on the Node server with 413 long before the client finishes sending', async () => {
    const dashboard = await startDashboard(config);
    try {
      const total = 200 * 1024 * 1024;
      const chunk = Buffer.alloc(1024 * 1024, 120);
      const { status, sent } = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
        let sent = 0;
        let answered = false;
        const req = http.request(`${dashboard.url}/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: dashboard.url, 'content-length': total },
        });
        req.on('response', (res) => {
          answered = true;
          res.resume();
          resolve({ status: res.statusCode ?? 0, sent });
          req.destroy();
        });
        req.on('error', (error) => (answered ? undefined : reject(error)));
        const pump = () => {
          while (!answered && sent < total) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          if (!answered) req.end();
        };
        pump();
      });
      expect(status).toBe(413);
      expect(sent).toBeLessThan(total);
    } finally {
      await dashboard.close();
    }
  });
});
