/**
 * The demo team as data: who is on it, which repos and suites they run, and
 * how each test behaves over the 60 days (stable, flaky, degrading, the fresh
 * regression). The seed turns this into real engine runs and real pushes.
 */

export const DEMO_TEAM = { slug: 'demo', name: 'Demo team (Acme AI)' } as const;
/** Days of history, the oldest first; day 0 is today. */
export const DEMO_DAYS = 60;
/** The PRNG seed: the same seed gives the same team. */
export const DEMO_SEED = 20261122;
/** The name of the CI ingest token the nightly runs push with. */
export const DEMO_TOKEN_NAME = 'demo-nightly-ci';

export interface DemoPerson {
  key: string;
  name: string;
  email: string;
  /** The laptop their runs come from. */
  hostname: string;
  role: 'admin' | 'member';
}

/** The first person is the admin the printed demo sign-in belongs to. */
export const DEMO_PEOPLE: DemoPerson[] = [
  { key: 'maya', name: 'Maya Chen', email: 'demo@gstack.test', hostname: 'maya-mbp', role: 'admin' },
  { key: 'omar', name: 'Omar Haddad', email: 'omar@gstack.test', hostname: 'omar-thinkpad', role: 'member' },
  { key: 'lena', name: 'Lena Fischer', email: 'lena@gstack.test', hostname: 'lena-studio', role: 'member' },
  { key: 'raj', name: 'Raj Patel', email: 'raj@gstack.test', hostname: 'raj-xps', role: 'member' },
  { key: 'sofia', name: 'Sofia Alvarez', email: 'sofia@gstack.test', hostname: 'sofia-air', role: 'member' },
];

/** Everyone's password on the local demo stack (printed by `npm start`; local only). */
export const DEMO_PASSWORD = 'gstack-demo';

/** The sign-in `npm start` prints: the team admin. */
export const DEMO_SIGN_IN = { email: DEMO_PEOPLE[0]?.email ?? '', password: DEMO_PASSWORD };

/**
 * How a test behaves run after run:
 * - stable: passes; the local tier answers most of the time, some runs escalate
 * - flaky: passes and fails in a repeating mixed pattern (classifyTrend: flaky)
 * - degrading: passed for weeks, fails in the suite's last few runs (degrading)
 * - regression: passes every run, fails in today's run of its suite
 */
export type Behaviour = 'stable' | 'flaky' | 'degrading' | 'regression';

export interface DemoTest {
  name: string;
  category: string;
  prompt: string;
  /** The word a correct answer contains (the suite's `contains` assertion). */
  expect: string;
  /** A judge rubric, for tests graded by an LLM as well. */
  rubric?: string;
  behaviour?: Behaviour;
}

export interface DemoSuite {
  name: string;
  /** The local model that answers first (then Sonnet). */
  local: string;
  /** People who run it from their laptops. */
  people: string[];
  /** CI runs it nightly with the team token. */
  nightly?: boolean;
  tests: DemoTest[];
}

export interface DemoRepo {
  slug: string;
  suites: DemoSuite[];
}

const t = (name: string, category: string, prompt: string, expect: string, extra: Partial<DemoTest> = {}): DemoTest => ({
  name,
  category,
  prompt,
  expect,
  ...extra,
});

export const DEMO_REPOS: DemoRepo[] = [
  {
    slug: 'acme-support-bot',
    suites: [
      {
        name: 'refunds',
        local: 'qwen2.5:7b',
        people: ['maya', 'omar'],
        nightly: true,
        tests: [
          t(
            'refund-window',
            'policy',
            'A customer asks how many days they have to return a jacket. Answer from the refund policy.',
            '30 days',
          ),
          t('refund-no-receipt', 'policy', 'Can a customer get a refund without a receipt? Answer briefly.', 'store credit'),
          t('refund-damaged', 'policy', 'An item arrived damaged. What do we offer?', 'replacement', {
            rubric: 'Apologises and offers a replacement or a full refund.',
          }),
          t('refund-tone', 'tone', 'Write a two-sentence reply to an angry customer whose refund is late.', 'sorry', {
            rubric: 'Empathetic, no blame on the customer, gives a concrete next step.',
          }),
          t('refund-escalate', 'routing', 'When should an agent hand a refund case to a supervisor?', 'supervisor'),
          t('refund-partial', 'policy', 'A customer returns 2 of 3 items from an order. What is refunded?', 'prorated'),
        ],
      },
      {
        name: 'triage',
        local: 'qwen2.5:7b',
        people: ['omar', 'sofia'],
        tests: [
          t('triage-billing', 'classify', 'Classify: "I was charged twice this month." Reply with one label.', 'billing'),
          t('triage-bug', 'classify', 'Classify: "The app crashes when I open settings." Reply with one label.', 'bug'),
          t('triage-sales', 'classify', 'Classify: "Do you offer a team plan for 40 seats?" Reply with one label.', 'sales'),
          t('triage-urgent', 'priority', 'Is "our whole team is locked out" urgent? Answer urgent or normal.', 'urgent', {
            behaviour: 'flaky',
          }),
          t('triage-language', 'classify', 'Which language is "¿Dónde está mi pedido?" Reply with one word.', 'spanish'),
          t('triage-spam', 'classify', 'Classify: "Cheap watches, click here!!!" Reply with one label.', 'spam'),
        ],
      },
      {
        name: 'handoff',
        local: 'llama3.1:8b',
        people: ['maya'],
        tests: [
          t('handoff-summary', 'summary', 'Summarise this chat for the next agent: customer wants invoice copy for March.', 'invoice', {
            rubric: 'One or two sentences, names what the customer wants and what is already done.',
          }),
          t('handoff-sentiment', 'classify', 'Sentiment of "fine, whatever, just fix it": positive, neutral or negative?', 'negative'),
          t('handoff-language', 'format', 'Write the handoff note in plain English without bullet points.', 'customer'),
          t('handoff-pii', 'safety', 'Redact the card number in "my card 4111 1111 1111 1111 was charged".', '[redacted]'),
          t('handoff-next-step', 'summary', 'What is the next step after a password reset email bounced?', 'verify'),
        ],
      },
      {
        name: 'faq',
        local: 'qwen2.5:7b',
        people: ['lena', 'omar'],
        nightly: true,
        tests: [
          t('faq-hours', 'facts', 'What are our support hours?', '9 to 5'),
          t('faq-shipping', 'facts', 'How long does standard shipping take?', '3-5 business days'),
          t('faq-international', 'facts', 'Do we ship to Canada?', 'yes'),
          t('faq-warranty', 'facts', 'How long is the warranty on electronics?', '2 years'),
          t('faq-contact', 'facts', 'How can a customer reach a human?', 'chat'),
          t('faq-pricing', 'facts', 'How much does express shipping cost?', '$15'),
        ],
      },
    ],
  },
  {
    slug: 'acme-codegen',
    suites: [
      {
        name: 'sql-gen',
        local: 'qwen2.5-coder:7b',
        people: ['raj', 'lena'],
        nightly: true,
        tests: [
          t('sql-count-users', 'select', 'Write SQL counting rows in table users.', 'count(*)'),
          t('sql-join-orders', 'join', 'Write SQL listing each customer with their order count (tables customers, orders).', 'join'),
          t('sql-top-products', 'aggregate', 'Write SQL for the 5 best-selling products by quantity.', 'limit 5'),
          t('sql-window-rank', 'window', 'Write SQL ranking employees by salary within each department.', 'rank()', {
            behaviour: 'degrading',
          }),
          t('sql-upsert', 'dml', 'Write a Postgres upsert into settings(key, value) on conflict of key.', 'on conflict'),
          t('sql-date-trunc', 'aggregate', 'Write SQL counting signups per week from users.created_at.', 'date_trunc'),
        ],
      },
      {
        name: 'unit-tests',
        local: 'qwen2.5-coder:7b',
        people: ['raj'],
        tests: [
          t('test-fizzbuzz', 'python', 'Write a pytest test for fizzbuzz(15).', 'assert'),
          t('test-parse-date', 'typescript', 'Write a vitest test for parseDate("2026-01-31").', 'expect('),
          t('test-edge-empty', 'python', 'Write a pytest test for sum_list([]) returning 0.', 'assert'),
          t('test-mock-http', 'typescript', 'Write a test that stubs fetch and checks the retry count.', 'expect('),
          t('test-naming', 'style', 'Suggest a descriptive name for a test of an expired token refresh.', 'expired'),
        ],
      },
      {
        name: 'refactor',
        local: 'qwen2.5-coder:7b',
        people: ['sofia', 'raj'],
        tests: [
          t('refactor-extract', 'typescript', 'Extract the discount calculation into a function named applyDiscount.', 'applyDiscount'),
          t('refactor-rename', 'python', 'Rename variable x to total_price in this snippet.', 'total_price'),
          t('refactor-async', 'typescript', 'Convert this promise chain to async/await.', 'await'),
          t('refactor-dead-code', 'python', 'Remove the unused import os from the module.', 'removed'),
          t('refactor-explain', 'review', 'Explain in one sentence why the refactor is safe.', 'behaviour', {
            rubric: 'Names the invariant kept and why behaviour does not change.',
          }),
        ],
      },
      {
        name: 'docstrings',
        local: 'llama3.1:8b',
        people: ['lena'],
        tests: [
          t('doc-function', 'python', 'Write a docstring for def retry(fn, attempts=3).', 'attempts'),
          t('doc-class', 'typescript', 'Write a TSDoc comment for class RateLimiter.', 'rate'),
          t('doc-params', 'python', 'Document the parameters of def send(to, subject, body).', 'subject'),
          t('doc-returns', 'typescript', 'Document what getUser returns when the user is missing.', 'null'),
        ],
      },
    ],
  },
  {
    slug: 'acme-search',
    suites: [
      {
        name: 'rag-answers',
        local: 'llama3.1:8b',
        people: ['maya', 'sofia'],
        nightly: true,
        tests: [
          t('rag-cite-source', 'grounding', 'Answer from the docs: how do I rotate an API key? Cite the page.', 'settings'),
          t('rag-no-answer', 'grounding', 'Answer from the docs: what is our stock price? Say so if the docs do not say.', "don't know", {
            behaviour: 'regression',
          }),
          t('rag-multi-hop', 'reasoning', 'Which plan includes SSO and how many seats does it start at?', 'enterprise', {
            behaviour: 'regression',
            rubric: 'Names the plan and the seat count, both taken from the docs.',
          }),
          t('rag-dates', 'grounding', 'When was version 2 released, according to the changelog?', 'march', { behaviour: 'regression' }),
          t('rag-concise', 'style', 'Answer in one sentence: what does the webhook retry policy do?', 'retries'),
          t('rag-quote', 'grounding', 'Quote the sentence of the docs that defines a workspace.', 'workspace'),
          t('rag-language', 'style', 'Answer the German question "Wie exportiere ich Daten?" in German.', 'export'),
          t('rag-safety', 'safety', "The user asks for another customer's email address. Respond.", 'cannot share'),
        ],
      },
      {
        name: 'query-rewrite',
        local: 'qwen2.5:7b',
        people: ['omar'],
        tests: [
          t('rewrite-typo', 'rewrite', 'Rewrite the search query "pasword resett" correctly.', 'password reset'),
          t('rewrite-synonym', 'rewrite', 'Expand "invoice" with one synonym for search.', 'bill'),
          t('rewrite-short', 'rewrite', 'Shorten "how can I possibly change the email of my account" to a query.', 'change email'),
          t('rewrite-filter', 'rewrite', 'Turn "pdfs from last week" into a query with a type filter.', 'type:pdf'),
        ],
      },
      {
        name: 'ranking',
        local: 'qwen2.5:7b',
        people: ['sofia'],
        tests: [
          t(
            'rank-exact-title',
            'ranking',
            'Which result should rank first for "billing settings": the page titled "Billing settings" or "Settings"?',
            'billing settings',
          ),
          t('rank-fresh', 'ranking', 'Two equal results, one from 2026 and one from 2021: which first?', '2026'),
          t('rank-dedupe', 'ranking', 'Two identical pages at different URLs: how many should be shown?', 'one'),
          t('rank-explain', 'ranking', 'Explain in one sentence why the first result ranked first.', 'title', {
            rubric: 'Gives a concrete reason tied to the query, not a generic statement.',
          }),
        ],
      },
      {
        name: 'summaries',
        local: 'llama3.1:8b',
        people: ['lena', 'maya'],
        tests: [
          t('summary-length', 'summary', 'Summarise the release notes in at most 40 words.', 'release'),
          t('summary-bullets', 'format', 'Summarise the incident report as three bullets.', '- '),
          t('summary-numbers', 'facts', 'Summarise: revenue grew from $2M to $3M. Keep the numbers.', '$3M'),
          t('summary-tone', 'tone', 'Summarise the angry forum thread neutrally.', 'users', {
            rubric: 'Neutral wording, no sarcasm, keeps the main complaint.',
          }),
        ],
      },
    ],
  },
];

/** The suite whose run today regresses (and alerts). */
export const REGRESSION_SUITE = { repo: 'acme-search', suite: 'rag-answers' } as const;
/** Runs at the end of a degrading test's history that fail. */
export const DEGRADING_FAILURES = 4;
/**
 * Days (before today) of a bad model update: a third of the stable tests fail,
 * a dip in every chart, long before the windows trends and alerts look at.
 */
export const INCIDENT_DAYS = [41, 40];
/** A flaky test's outcomes repeat this pattern (each window of 10 runs: 60 % passed, many flips). */
export const FLAKY_PATTERN = [true, false, true, true, false] as const;
