/**
 * Eval suites (YAML): a name, defaults, and tests with a prompt (or messages)
 * and `expect` assertions, one single-key map per assertion.
 */
import { z } from 'zod';
import { chainEntrySchema } from './models-config.ts';

const modelRef = z.string().regex(/^[A-Za-z0-9_.-]+\/\S+$/, 'a model as provider/model');

export const messageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});
export type Message = z.infer<typeof messageSchema>;

const judgeSpec = z.union([
  z.string().min(1, 'a rubric'),
  z.strictObject({ rubric: z.string().min(1), model: modelRef.optional(), threshold: z.number().min(0).max(1).optional() }),
]);

/** Each assertion type with the shape of its value. */
export const ASSERTION_SCHEMAS = {
  contains: z.string(),
  not_contains: z.string(),
  icontains: z.string(),
  regex: z.string().refine((source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  }, 'a valid regular expression'),
  equals: z.string(),
  is_json: z.literal(true),
  json_schema: z.record(z.string(), z.unknown()),
  max_latency_ms: z.number().positive(),
  max_cost_usd: z.number().min(0),
  judge: judgeSpec,
} as const;
export type AssertionType = keyof typeof ASSERTION_SCHEMAS;
export const ASSERTION_TYPES = Object.keys(ASSERTION_SCHEMAS) as AssertionType[];

export type Assertion = { [K in AssertionType]: { type: K; value: z.infer<(typeof ASSERTION_SCHEMAS)[K]> } }[AssertionType];

/** `- contains: hello` → `{type: 'contains', value: 'hello'}`, validated per type. */
export const assertionSchema = z.record(z.string(), z.unknown()).transform((entry, ctx): Assertion => {
  const keys = Object.keys(entry);
  const type = keys[0];
  if (keys.length !== 1 || !type) {
    ctx.addIssue({ code: 'custom', message: `one assertion per entry, e.g. "- contains: text" (got ${keys.length} keys)` });
    return z.NEVER;
  }
  const schema = (ASSERTION_SCHEMAS as Record<string, z.ZodType>)[type];
  if (!schema) {
    ctx.addIssue({ code: 'custom', message: `unknown assertion "${type}"; expected one of ${ASSERTION_TYPES.join(', ')}` });
    return z.NEVER;
  }
  const parsed = schema.safeParse(entry[type]);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [type, ...issue.path] });
    return z.NEVER;
  }
  return { type, value: parsed.data } as Assertion;
});

export const testSchema = z
  .strictObject({
    name: z.string().min(1),
    category: z.string().default('general'),
    prompt: z.string().optional(),
    messages: z.array(messageSchema).min(1).optional(),
    system: z.string().optional(),
    repeat: z.int().min(1).max(100).optional(),
    timeout_ms: z.int().min(100).optional(),
    expect: z.array(assertionSchema).default([]),
  })
  .refine((t) => (t.prompt === undefined) !== (t.messages === undefined), { message: 'give either `prompt` or `messages`, not both' });
export type SuiteTest = z.infer<typeof testSchema>;

export const suiteSchema = z
  .strictObject({
    suite: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a suite name (letters, digits, . _ -)'),
    description: z.string().optional(),
    defaults: z
      .strictObject({
        chain: z.array(chainEntrySchema).min(1).optional(),
        timeout_ms: z.int().min(100).default(60_000),
        concurrency: z.int().min(1).max(64).default(4),
        judge: modelRef.optional(),
        repeat: z.int().min(1).max(100).default(1),
      })
      .prefault({}),
    /** Files (relative to the suite) whose contents are part of the judge cache key. */
    sources: z.array(z.string()).default([]),
    tests: z.array(testSchema).min(1, 'at least one test'),
  })
  .superRefine((suite, ctx) => {
    const seen = new Set<string>();
    suite.tests.forEach((t, i) => {
      if (seen.has(t.name)) ctx.addIssue({ code: 'custom', message: `duplicate test name "${t.name}"`, path: ['tests', i, 'name'] });
      seen.add(t.name);
    });
  });
export type Suite = z.infer<typeof suiteSchema>;

/** The conversation a test sends: system first, then the prompt or messages. */
export function testMessages(test: SuiteTest): Message[] {
  const messages: Message[] = [];
  if (test.system) messages.push({ role: 'system', content: test.system });
  if (test.messages) messages.push(...test.messages);
  else messages.push({ role: 'user', content: test.prompt ?? '' });
  return messages;
}
