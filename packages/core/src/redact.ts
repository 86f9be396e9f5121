/**
 * Secret redaction for anything that leaves a developer's machine as text
 * (session summaries, transcripts): API keys and tokens of the common shapes,
 * bearer tokens, JWTs, passwords in URLs and in key=value pairs.
 */

const RULES: Array<[RegExp, string]> = [
  // Passwords in URLs: scheme://user:password@host
  [/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, '$1[REDACTED]@'],
  // Provider keys and tokens
  [/\bsk-ant-[A-Za-z0-9_-]{16,}/g, '[REDACTED_ANTHROPIC_KEY]'],
  [/\bsk-(?:proj-|live-|test-)?[A-Za-z0-9_-]{20,}/g, '[REDACTED_API_KEY]'],
  [/\b(?:ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{20,}/g, '[REDACTED_GITHUB_TOKEN]'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, '[REDACTED_SLACK_TOKEN]'],
  [/https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/g, '[REDACTED_SLACK_WEBHOOK]'],
  [/\bAKIA[0-9A-Z]{16}\b/g, '[REDACTED_AWS_KEY]'],
  [/\bsb_secret_[A-Za-z0-9_-]{10,}/g, '[REDACTED_SUPABASE_KEY]'],
  [/\bgst_[A-Za-z0-9_-]{20,}/g, '[REDACTED_GSTACK_TOKEN]'],
  [/\bAIza[0-9A-Za-z_-]{30,}/g, '[REDACTED_GOOGLE_KEY]'],
  [/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g, '[REDACTED_JWT]'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[REDACTED_PRIVATE_KEY]'],
  // Authorization headers
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{12,}/g, '$1 [REDACTED]'],
  // key=value / key: value for secret-sounding keys
  [
    /\b((?:api[_-]?key|secret|password|passwd|pwd|token|access[_-]?key|private[_-]?key)["']?\s*[:=]\s*["']?)[^\s"',;]{4,}/gi,
    '$1[REDACTED]',
  ],
];

export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}
