/**
 * Secret redaction for everything that leaves a developer's machine as text:
 * transcripts and their summaries, pushed eval results (outputs, errors,
 * verifier feedback), activity records and sync logs.
 *
 * Redaction is a list of named rules, applied in order. Each rule has positive
 * and negative examples in redact.test.ts (a rule without both fails the test),
 * so a new rule comes with proof of what it catches and what it leaves alone.
 */

/** One redaction rule: what it catches, and what the match becomes. */
export interface RedactionRule {
  /** Stable name, used by the table test and in docs. */
  name: string;
  pattern: RegExp;
  /** Replacement (String.replace syntax: `$1` keeps a captured prefix). */
  replacement: string;
}

/** Not preceded by a letter or digit: a token prefix must start a "word", but `_` and `=` may precede it. */
const START = '(?<![A-Za-z0-9])';

/**
 * Key names that hold secrets, matched anywhere in a longer identifier
 * (`AWS_SECRET_ACCESS_KEY`, `PGPASSWORD`, `DB_PASSWORD`, `client-secret`) but
 * not when the word runs on (`max_tokens`, `secretary`, `PWD`).
 */
const SECRET_KEY =
  '[A-Za-z0-9_.-]*(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?)(?![A-Za-z0-9])(?:[_.-][A-Za-z0-9_.-]*)?';

export const REDACTION_RULES: readonly RedactionRule[] = [
  {
    name: 'pem-private-key',
    // PEM (RSA, EC, OPENSSH, PKCS#8, ENCRYPTED) and OpenPGP's armored "PRIVATE KEY BLOCK".
    pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
    replacement: '[REDACTED_PRIVATE_KEY]',
  },
  {
    name: 'jwt',
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
    replacement: '[REDACTED_JWT]',
  },
  {
    name: 'slack-webhook-url',
    pattern: /https:\/\/hooks\.slack(?:-gov)?\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]+/g,
    replacement: '[REDACTED_SLACK_WEBHOOK]',
  },
  {
    name: 'url-credentials',
    // The password runs to the last `@` before the path: an unencoded `@` in it must not leak its tail.
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'<>]+:)[^\s/"'<>]+@/gi,
    replacement: '$1[REDACTED]@',
  },
  {
    name: 'authorization-header',
    // A scheme word, or a credential-looking value (it has a digit), so prose stays readable.
    pattern:
      /\b(Authorization\s*[:=]\s*["']?)(?:((?:Bearer|Basic|Token|Bot)\s+)[A-Za-z0-9._~+/=-]{8,}|(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{8,})/gi,
    replacement: '$1$2[REDACTED]',
  },
  {
    // "Authorization": "…", 'Cookie': '…', "X-Api-Key": "…" in JSON, Python dicts and JS objects: any value.
    name: 'quoted-auth-header',
    pattern:
      /(["'](?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token|api-key)["']\s*[:=]\s*)(?:"[^"\n]{3,}"|'[^'\n]{3,}')/gi,
    replacement: '$1"[REDACTED]"',
  },
  {
    // Cookie: session=… and Set-Cookie: id=…; Path=/ (the whole header value).
    name: 'cookie-header',
    pattern: /\b((?:Set-)?Cookie\s*:\s*)[^\s=;:"']+=[^\n"']*/gi,
    replacement: '$1[REDACTED]',
  },
  {
    // Azure storage and Service Bus connection strings, and a SAS token's signature in a URL.
    name: 'azure-key',
    pattern: /((?<![A-Za-z0-9])(?:AccountKey|SharedAccessKey|SharedAccessSignature)\s*=\s*|[?&]sig=)[^;&\s"']{8,}/gi,
    replacement: '$1[REDACTED]',
  },
  {
    // .npmrc: `_auth=` (base64 user:password) and `_password=` for a registry.
    name: 'npmrc-auth',
    pattern: /((?:^|[\s:])_(?:auth|password)\s*=\s*)["']?[^\s"']{4,}["']?/gm,
    replacement: '$1[REDACTED]',
  },
  { name: 'bearer-token', pattern: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{12,}/g, replacement: '$1 [REDACTED]' },
  {
    name: 'curl-user',
    pattern: /((?:^|\s)(?:-u|--user)\s*=?\s*["']?[^\s:"']+:)[^\s"']+/g,
    replacement: '$1[REDACTED]',
  },
  {
    name: 'mysql-password-flag',
    pattern: /(\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]*?\s-p)(?=[^\s-])(?:"[^"]*"|'[^']*'|\S+)/g,
    replacement: '$1[REDACTED]',
  },
  { name: 'anthropic-key', pattern: new RegExp(`${START}sk-ant-[A-Za-z0-9_-]{16,}`, 'g'), replacement: '[REDACTED_ANTHROPIC_KEY]' },
  {
    name: 'openai-key',
    pattern: new RegExp(`${START}sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}`, 'g'),
    replacement: '[REDACTED_API_KEY]',
  },
  {
    name: 'stripe-key',
    // Secret and restricted keys, and webhook signing secrets (whsec_).
    pattern: new RegExp(`${START}(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9+/=]{20,})`, 'g'),
    replacement: '[REDACTED_STRIPE_KEY]',
  },
  {
    name: 'aws-access-key-id',
    pattern: new RegExp(`${START}(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])`, 'g'),
    replacement: '[REDACTED_AWS_KEY]',
  },
  {
    name: 'github-token',
    pattern: new RegExp(`${START}(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})`, 'g'),
    replacement: '[REDACTED_GITHUB_TOKEN]',
  },
  {
    name: 'sendgrid-key',
    pattern: new RegExp(`${START}SG\\.[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{16,}`, 'g'),
    replacement: '[REDACTED_SENDGRID_KEY]',
  },
  { name: 'gitlab-token', pattern: new RegExp(`${START}glpat-[A-Za-z0-9_-]{20,}`, 'g'), replacement: '[REDACTED_GITLAB_TOKEN]' },
  { name: 'npm-token', pattern: new RegExp(`${START}npm_[A-Za-z0-9]{36}`, 'g'), replacement: '[REDACTED_NPM_TOKEN]' },
  { name: 'huggingface-token', pattern: new RegExp(`${START}hf_[A-Za-z0-9]{30,}`, 'g'), replacement: '[REDACTED_HF_TOKEN]' },
  {
    name: 'slack-token',
    pattern: new RegExp(`${START}(?:xox[abposre]|xapp)-[A-Za-z0-9-]{10,}`, 'g'),
    replacement: '[REDACTED_SLACK_TOKEN]',
  },
  { name: 'google-api-key', pattern: new RegExp(`${START}AIza[0-9A-Za-z_-]{30,}`, 'g'), replacement: '[REDACTED_GOOGLE_KEY]' },
  { name: 'supabase-secret-key', pattern: new RegExp(`${START}sb_secret_[A-Za-z0-9_-]{10,}`, 'g'), replacement: '[REDACTED_SUPABASE_KEY]' },
  { name: 'gstack-token', pattern: new RegExp(`${START}gs[ti]_[A-Za-z0-9_-]{20,}`, 'g'), replacement: '[REDACTED_GSTACK_TOKEN]' },
  {
    // "password": "…" and 'password': '…' (JSON, Python, JS objects)
    name: 'quoted-secret-key',
    pattern: new RegExp(`(["'](?:${SECRET_KEY})["']\\s*[:=]\\s*)(?:"[^"\\n]{3,}"|'[^'\\n]{3,}')`, 'gi'),
    replacement: '$1"[REDACTED]"',
  },
  {
    // KEY=value, KEY: value, --key=value, export KEY="value" (env files, YAML, shells, flags)
    name: 'secret-key-value',
    pattern: new RegExp(
      `((?<![A-Za-z0-9])${SECRET_KEY}\\s*(?:=|:(?!//))[ \\t]*)(?:"[^"\\n]{3,}"|'[^'\\n]{3,}'|(?![\\["']|https?:\\/\\/)[^\\s"',;]{4,})`,
      'gi',
    ),
    replacement: '$1[REDACTED]',
  },
];

/**
 * Every rule's pattern in one alternation per flag set (`i` or not): one scan tells
 * whether any rule can match. Most strings of a pushed run (names, models, tiers, short
 * outputs) match none, and skipping the 20-odd replaces for them makes redacting a
 * 5,000-test run several times faster. Rules run on the output of earlier ones, but
 * when none matches the original nothing is replaced, so the result is the same.
 */
const ANY_RULE: RegExp[] = [...new Set(REDACTION_RULES.map((r) => r.pattern.flags.replace('g', '')))].map(
  (flags) =>
    new RegExp(
      REDACTION_RULES.filter((r) => r.pattern.flags.replace('g', '') === flags)
        .map((r) => `(?:${r.pattern.source})`)
        .join('|'),
      flags,
    ),
);

/** `text` with every rule applied, in order. */
export function redactSecrets(text: string): string {
  if (!ANY_RULE.some((re) => re.test(text))) return text;
  let out = text;
  for (const rule of REDACTION_RULES) out = out.replace(rule.pattern, rule.replacement);
  return out;
}

/** A copy of `value` with every string in it redacted (object keys are left as they are). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactSecrets(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item)) as T;
  if (value && typeof value === 'object') {
    // A loop, not Object.fromEntries(entries.map(...)): a pushed run has ~100,000 values.
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const redacted = redactDeep((value as Record<string, unknown>)[key]);
      // A `__proto__` key (JSON.parse makes it an own property) stays a property, never the prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value: redacted, enumerable: true, writable: true, configurable: true });
      else out[key] = redacted;
    }
    return out as T;
  }
  return value;
}
