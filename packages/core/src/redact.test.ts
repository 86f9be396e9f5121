import { describe, expect, it } from 'vitest';
import { REDACTION_RULES, redactDeep, redactSecrets } from './redact.ts';

/** Key-shaped values are assembled here, so no key-shaped literal sits in the repository. */
const j = (...parts: string[]) => parts.join('');
const A32 = 'abcdefghijklmnopqrstuvwxyz012345';
const A36 = `${A32}6789`;

/** Per rule: inputs it must redact (with the secret part that must vanish), and inputs left exactly alone. */
const EXAMPLES: Record<string, { redacts: Array<[string, string]>; keeps: string[] }> = {
  'pem-private-key': {
    redacts: [
      [j('-----BEGIN RSA PRIVATE', ' KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----'), 'MIIEowIBAAKCAQEA'],
      [j('key: -----BEGIN OPENSSH PRIVATE', ' KEY-----\nb3BlbnNzaC1rZXk (truncated'), 'b3BlbnNzaC1rZXk'],
      [j('-----BEGIN PGP PRIVATE', ' KEY BLOCK-----\n\nlQOYBF0Z\n-----END PGP PRIVATE KEY BLOCK-----'), 'lQOYBF0Z'],
    ],
    keeps: [
      '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----',
      '-----BEGIN CERTIFICATE-----',
      '-----BEGIN PGP PUBLIC KEY BLOCK-----\nmQINBF0Z\n-----END PGP PUBLIC KEY BLOCK-----',
    ],
  },
  jwt: {
    redacts: [[j('token eyJhbGciOiJIUzI1NiJ9', '.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'), 'dozjgNry']],
    keeps: ['eyJ is how base64 JSON starts', 'a.b.c version 1.2.3'],
  },
  'slack-webhook-url': {
    redacts: [
      [j('https://hooks.slack.com/services/', 'T000/B000/XXXXXXXXXXXX'), 'XXXXXXXXXXXX'],
      [j('https://hooks.slack-gov.com/services/', 'T1/B2/YYYYYYYY'), 'YYYYYYYY'],
    ],
    keeps: ['see https://api.slack.com/messaging/webhooks for the docs'],
  },
  'url-credentials': {
    redacts: [
      ['postgres://app:hunter2@db.internal:5432/prod', 'hunter2'],
      ['git clone https://bot:s3cr3tvalue@git.example.com/x.git', 's3cr3tvalue'],
      // An unencoded @ in the password: nothing of it may remain.
      ['postgres://app:p@ss-tail-9@db.internal:5432/prod', 'ss-tail-9'],
    ],
    keeps: ['https://example.com/a:b@c', 'mailto:someone@example.com', 'http://127.0.0.1:3000/path'],
  },
  'authorization-header': {
    redacts: [
      ['Authorization: Bearer abc.def-ghijklmnopqrstu', 'ghijklmnop'],
      ['-H "authorization: token 0123456789abcdef"', '0123456789abcdef'],
    ],
    keeps: ['Authorization is checked by the gateway', 'authorization: required'],
  },
  'quoted-auth-header': {
    redacts: [
      [j('{"headers": {"Authorization": "', A32, '"}}'), A32],
      ["headers = {'Cookie': 'session=abc123def456'}", 'abc123def456'],
      [j('{"x-api-key": "', A32, '"}'), A32],
    ],
    keeps: ['{"authorization": ""}', '{"cookie_banner": "shown"}'],
  },
  'cookie-header': {
    redacts: [
      ['Cookie: session=9f8e7d6c5b4a; theme=dark', '9f8e7d6c5b4a'],
      ['< Set-Cookie: sid=abcdef0123; Path=/; HttpOnly', 'abcdef0123'],
    ],
    keeps: ['the cookie: it expires after a day', 'Cookie banners annoy people'],
  },
  'azure-key': {
    redacts: [
      [
        j(
          'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=',
          'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==',
          ';EndpointSuffix=core.windows.net',
        ),
        'Zm9vYmFyYmF6cXV4',
      ],
      [
        j('Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=', 'c2VjcmV0a2V5dmFsdWUxMjM='),
        'c2VjcmV0a2V5',
      ],
      [j('https://acme.blob.core.windows.net/c/f?sv=2022-11-02&sp=r&sig=', 'abcDEF123%2Bxyz%3D'), 'abcDEF123'],
    ],
    keeps: ['AccountName=acme;EndpointSuffix=core.windows.net', 'set AccountKey in the portal', 'https://x.example/?sig=1'],
  },
  'npmrc-auth': {
    redacts: [
      [j('//registry.example.com/:_auth=', 'dXNlcjpwYXNzd29yZA=='), 'dXNlcjpwYXNz'],
      ['_auth = "YWRtaW46c2VjcmV0"', 'YWRtaW46c2VjcmV0'],
      ['//npm.pkg.example/:_password=aHVudGVyMjI=', 'aHVudGVyMjI'],
    ],
    keeps: ['the _auth field of .npmrc', 'my_auth=off'],
  },
  'sendgrid-key': {
    redacts: [[j('SENDGRID SG', '.', 'abcdefghijklmnop0123', '.', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123'), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123']],
    keeps: ['SG.com is a domain', 'SG.v2.release'],
  },
  'bearer-token': {
    redacts: [['curl -H "X: Bearer 0123456789abcdefXYZ"', '0123456789abcdefXYZ']],
    keeps: ['Bearer tokens expire after an hour'],
  },
  'curl-user': {
    redacts: [
      ['curl -u admin:hunter22 https://api.example.com', 'hunter22'],
      ['curl --user "ci:p4ssw0rd!" https://x', 'p4ssw0rd!'],
    ],
    keeps: ['curl -u admin https://api.example.com', 'ls -u src'],
  },
  'mysql-password-flag': {
    redacts: [
      ['mysql -uroot -pSuperSecret1 mydb', 'SuperSecret1'],
      ["mysqldump -h db -u app -p'quoted secret' shop", 'quoted secret'],
    ],
    keeps: ['mysql -u root -p mydb', 'mkdir -p build/out'],
  },
  'anthropic-key': {
    redacts: [[j('export ANTHROPIC_API_KEY=sk-', 'ant-api03-', A32), A32]],
    keeps: ['the sk-ant- prefix marks Anthropic keys'],
  },
  'openai-key': {
    redacts: [[j('key sk-', 'proj-', A32, ' used'), A32]],
    keeps: ['pip install sk-learn', 'task-abcdefghijklmnopqrstuvwxyz'],
  },
  'stripe-key': {
    redacts: [
      [j('STRIPE=sk', '_live_', A32), A32],
      [j('restricted rk', '_live_', A32), A32],
      [j('STRIPE_WEBHOOK_SIGNING whsec', '_', A32), A32],
    ],
    keeps: ['pk_live_is a publishable prefix', 'desk_live_view', 'whsec_ prefixes webhook secrets'],
  },
  'aws-access-key-id': {
    redacts: [
      [j('AWS AKIA', 'IOSFODNN7EXAMPLE'), 'IOSFODNN7EXAMPLE'],
      [j('temporary ASIA', 'IOSFODNN7EXAMPLE in use'), 'IOSFODNN7EXAMPLE'],
    ],
    keeps: ['ASIAN markets and AKIA prefixes', 'BASIAIOSFODNN7EXAMPLEX'],
  },
  'github-token': {
    redacts: [
      [j('clone https://ghp', '_', A36, '@github.com/x'), A36],
      [j('GH=gho', '_', A36), A36],
      [j('ghs', '_', A36), A36],
      [j('github', '_pat_', '11ABCDEFG0123456789_', A32), A32],
    ],
    keeps: ['ghp_ tokens are classic PATs', 'the github_pat_ prefix'],
  },
  'gitlab-token': {
    redacts: [[j('glpat', '-', 'abcdefghij0123456789'), 'abcdefghij0123456789']],
    keeps: ['glpat- is GitLab’s prefix'],
  },
  'npm-token': {
    redacts: [[j('//registry.npmjs.org/:_authToken=npm', '_', A36), A36]],
    keeps: ['npm_config_cache=/tmp/npm', 'run npm_install step'],
  },
  'huggingface-token': {
    redacts: [[j('HF hf', '_', A32), A32]],
    keeps: ['hf_transfer is a package', 'shelf_abcdefghijklmnopqrstuvwxyz0123456'],
  },
  'slack-token': {
    redacts: [
      [j('xoxb', '-1234567890-abcdefghij'), 'abcdefghij'],
      [j('app token xapp', '-1-A0-123-abcdefabcdef'), 'abcdefabcdef'],
    ],
    keeps: ['xoxb- tokens are bot tokens'],
  },
  'google-api-key': {
    redacts: [[j('AIza', 'SyA', A32), A32]],
    keeps: ['AIzaSy is a prefix'],
  },
  'supabase-secret-key': {
    redacts: [[j('sb', '_secret_', 'abcdefghijklmno'), 'abcdefghijklmno']],
    keeps: ['sb_publishable_abcdefghijklmno is safe to share'],
  },
  'gstack-token': {
    redacts: [
      [j('ci token gst', '_', A32), A32],
      [j('invite code gsi', '_', A32), A32],
    ],
    keeps: ['gst_ tokens are CI tokens', 'gstack_token_rotation'],
  },
  'quoted-secret-key': {
    redacts: [
      ['{"password": "correct horse battery"}', 'correct horse'],
      ["{'client_secret': 'abc123xyz'}", 'abc123xyz'],
      ['{"db_password":"hunter2"}', 'hunter2'],
    ],
    keeps: ['{"max_tokens": 1024, "input_tokens": "12"}', '{"password_hint": ""}'],
  },
  'secret-key-value': {
    redacts: [
      ['AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI'],
      ['PGPASSWORD=hunter22 psql -h db', 'hunter22'],
      ['export DB_PASSWORD="two words"', 'two words'],
      ['password: s3cr3t-yaml', 's3cr3t-yaml'],
      ['  api_key: abcdef123456', 'abcdef123456'],
      ['psql --password=hunter22', 'hunter22'],
      ['GITHUB_TOKEN=anything-long', 'anything-long'],
      ['password = "correct horse battery"', 'correct'],
    ],
    keeps: [
      'max_tokens=1024 output_tokens: 512',
      'PWD=/home/me',
      'the secretary: Alice',
      'reset your password: see the docs',
      'token_url: https://auth.example.com/token',
    ],
  },
};

describe('redaction rules', () => {
  it('every rule has positive and negative examples, and every example names a rule', () => {
    const names = REDACTION_RULES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(EXAMPLES).sort()).toEqual([...names].sort());
    for (const { redacts, keeps } of Object.values(EXAMPLES)) {
      expect(redacts.length).toBeGreaterThan(0);
      expect(keeps.length).toBeGreaterThan(0);
    }
  });

  const positives = Object.entries(EXAMPLES).flatMap(([rule, { redacts }]) => redacts.map(([input, secret]) => ({ rule, input, secret })));
  it.each(positives)('$rule redacts $input', ({ rule, input, secret }) => {
    const one = REDACTION_RULES.find((r) => r.name === rule);
    expect(one).toBeDefined();
    // The rule itself catches it (not only a neighbour), and the full pipeline leaves no trace.
    expect(input.replace(one?.pattern ?? /$^/, one?.replacement ?? '')).not.toContain(secret);
    const out = redactSecrets(input);
    expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED');
  });

  const negatives = Object.entries(EXAMPLES).flatMap(([rule, { keeps }]) => keeps.map((input) => ({ rule, input })));
  it.each(negatives)('$rule leaves alone: $input', ({ input }) => {
    expect(redactSecrets(input)).toBe(input);
  });

  it('redacts every string inside a structure, leaving keys and other values', () => {
    const doc = { output: 'PGPASSWORD=hunter22', attempts: [{ feedback: j('gst', '_', A32), tokens: 5 }], ok: true };
    expect(redactDeep(doc)).toEqual({
      output: 'PGPASSWORD=[REDACTED]',
      attempts: [{ feedback: '[REDACTED_GSTACK_TOKEN]', tokens: 5 }],
      ok: true,
    });
  });

  it('keeps a `__proto__` key of parsed JSON as a redacted property, never as the prototype', () => {
    const out = redactDeep(JSON.parse('{"__proto__": {"output": "PGPASSWORD=hunter22"}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ output: 'PGPASSWORD=[REDACTED]' });
  });

  it('returns strings no rule matches unchanged, and still applies rules in order to those one does', () => {
    expect(redactSecrets('category-3 local/qwen the answer misses the second requirement')).toBe(
      'category-3 local/qwen the answer misses the second requirement',
    );
    expect(redactSecrets(`curl -u admin:${A32} https://user:pw@example.com`)).not.toContain(A32);
  });
});
