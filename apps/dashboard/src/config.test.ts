import { describe, expect, it } from 'vitest';
import { parseDashboardConfig } from './config.ts';

const url = 'http://127.0.0.1:54321';

describe('dashboard configuration', () => {
  it('takes a publishable key and fills the defaults', () => {
    const config = parseDashboardConfig({ supabaseUrl: url, supabaseKey: 'sb_publishable_abc' });
    expect(config).toMatchObject({ supabaseUrl: url, providers: [], basePath: '' });
  });

  it('refuses secret and service-role keys: the dashboard reads with the user JWT only', () => {
    expect(() => parseDashboardConfig({ supabaseUrl: url, supabaseKey: 'sb_secret_abc' })).toThrow(
      'dashboard configuration: supabaseKey: use the publishable (or anon) key, never a secret or service key',
    );
    const serviceJwt = `x.${btoa(JSON.stringify({ role: 'service_role' }))}.y`;
    expect(() => parseDashboardConfig({ supabaseUrl: url, supabaseKey: serviceJwt })).toThrow('never a secret or service key');
  });

  it('names the field that is wrong', () => {
    expect(() => parseDashboardConfig({ supabaseUrl: 'not a url', supabaseKey: 'k' })).toThrow(/^dashboard configuration: supabaseUrl: /);
    expect(() => parseDashboardConfig({ supabaseUrl: url, supabaseKey: 'k', basePath: 'dashboard/' })).toThrow(
      /^dashboard configuration: basePath: /,
    );
    expect(() => parseDashboardConfig({ supabaseUrl: url, supabaseKey: 'k', trustedProxies: ['10.0.0.1', 'proxy.internal'] })).toThrow(
      'dashboard configuration: trustedProxies.1: an IP address, or * for any peer',
    );
    expect(parseDashboardConfig({ supabaseUrl: url, supabaseKey: 'k', trustedProxies: ['10.0.0.1', '*'] }).trustedProxies).toEqual([
      '10.0.0.1',
      '*',
    ]);
  });
});
