/**
 * The parts of supabase/config.toml the local stack honours, so the same file
 * configures `supabase start`-style local development and this stack.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'smol-toml';
import { StackError } from './errors.ts';

export interface ProjectConfig {
  maxRows: number;
  auth: {
    siteUrl: string;
    additionalRedirectUrls: string[];
    jwtExpiry: number;
    enableSignup: boolean;
    minimumPasswordLength: number;
    refreshTokenReuseInterval: number;
    /** `[auth.rate_limit]`: requests per 5 minutes. */
    rateLimit: { signInSignUps: number; tokenRefresh: number };
  };
  /** Per-function settings from `[functions.<name>]`. */
  functions: Record<string, { verifyJwt: boolean }>;
}

type Table = Record<string, unknown>;

function table(value: unknown): Table {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Table) : {};
}

export async function loadProjectConfig(projectRoot: string): Promise<ProjectConfig> {
  const file = path.join(projectRoot, 'supabase', 'config.toml');
  let doc: Table;
  try {
    doc = parse(await readFile(file, 'utf8')) as Table;
  } catch (error) {
    throw new StackError(
      `${file}: ${(error as Error).message}`,
      'Fix the file (or restore it with `git checkout supabase/config.toml`).',
      2,
    );
  }
  const api = table(doc.api);
  const auth = table(doc.auth);
  const rateLimit = table(auth.rate_limit);
  const functions: ProjectConfig['functions'] = {};
  for (const [name, settings] of Object.entries(table(doc.functions))) {
    functions[name] = { verifyJwt: table(settings).verify_jwt !== false };
  }
  const num = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);
  return {
    maxRows: num(api.max_rows, 1000),
    auth: {
      siteUrl: typeof auth.site_url === 'string' ? auth.site_url : 'http://127.0.0.1:3000',
      additionalRedirectUrls: Array.isArray(auth.additional_redirect_urls) ? auth.additional_redirect_urls.map(String) : [],
      jwtExpiry: num(auth.jwt_expiry, 3600),
      enableSignup: auth.enable_signup !== false,
      minimumPasswordLength: num(auth.minimum_password_length, 6),
      refreshTokenReuseInterval: num(auth.refresh_token_reuse_interval, 10),
      rateLimit: { signInSignUps: num(rateLimit.sign_in_sign_ups, 30), tokenRefresh: num(rateLimit.token_refresh, 150) },
    },
    functions,
  };
}
