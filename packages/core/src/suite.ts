/**
 * Eval suites (YAML): a name, defaults, and tests with a prompt (or messages)
 * and `expect` assertions, one single-key map per assertion. Parsing expands
 * each test over its var sets (`vars`, `{{name}}` substitution) and applies
 * `defaults.expect` and `defaults.options`, so the runner sees plain tests.
 */
import { z } from 'zod';
import { chainEntrySchema, modelOptionsSchema } from './models-config.ts';

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

const unit = z.number().min(0).max(1);
/** Code run by `javascript` / `python`: the code (an expression, a function body, or file://) or {code, threshold, timeout_ms}. */
const codeSpec = z.union([
  z.string().min(1, 'code'),
  z.strictObject({ code: z.string().min(1), threshold: unit.optional(), timeout_ms: z.int().min(1).max(300_000).optional() }),
]);
const reference = z.string().min(1);

/** Each assertion type with the shape of its value. */
export const ASSERTION_SCHEMAS = {
  contains: z.string(),
  not_contains: z.string(),
  icontains: z.string(),
  starts_with: z.string(),
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
  contains_json: z.union([z.literal(true), z.record(z.string(), z.unknown())]),
  javascript: codeSpec,
  python: codeSpec,
  // The graded comparisons: an expected text, or {value, threshold, ...}.
  levenshtein: z.union([z.string(), z.strictObject({ value: z.string(), threshold: z.int().min(0).optional() })]),
  rouge_n: z.union([reference, z.strictObject({ value: reference, threshold: unit.optional(), n: z.int().min(1).max(4).optional() })]),
  bleu: z.union([
    reference,
    z.array(reference).min(1),
    z.strictObject({ value: z.union([reference, z.array(reference).min(1)]), threshold: unit.optional() }),
  ]),
  similar: z.union([reference, z.strictObject({ value: reference, threshold: unit.optional(), model: modelRef.optional() })]),
} as const;
export type AssertionType = keyof typeof ASSERTION_SCHEMAS;
export const ASSERTION_TYPES = Object.keys(ASSERTION_SCHEMAS) as AssertionType[];

/** What every assertion may carry besides its type and value. */
interface AssertionModifiers {
  /** `not_<type>`: passes when the assertion fails. */
  not?: true;
  /** Its weight in the test's score (default 1; 0 records it without counting it). */
  weight?: number;
}

export type Assertion = {
  [K in AssertionType]: { type: K; value: z.infer<(typeof ASSERTION_SCHEMAS)[K]> } & AssertionModifiers;
}[AssertionType];

/** The name an assertion is written and reported by: its type, `not_` in front when negated. */
export function assertionName(assertion: Pick<Assertion, 'type' | 'not'>): string {
  return assertion.not ? `not_${assertion.type}` : assertion.type;
}

/** Keys an assertion entry may have besides its type. */
const MODIFIER_KEYS = new Set(['weight']);

/**
 * `- contains: hello` → `{type: 'contains', value: 'hello'}`, validated per type.
 * `not_<type>` negates any type (one rule); `weight: N` beside it weighs it in the test's score.
 */
export const assertionSchema = z.record(z.string(), z.unknown()).transform((entry, ctx): Assertion => {
  const keys = Object.keys(entry).filter((k) => !MODIFIER_KEYS.has(k));
  const written = keys[0];
  if (keys.length !== 1 || !written) {
    ctx.addIssue({
      code: 'custom',
      message: `one assertion per entry, e.g. "- contains: text" (got ${keys.length} keys besides weight)`,
    });
    return z.NEVER;
  }
  const schemas = ASSERTION_SCHEMAS as Record<string, z.ZodType>;
  const negated = !schemas[written] && written.startsWith('not_') && !!schemas[written.slice(4)];
  const type = negated ? written.slice(4) : written;
  const schema = schemas[type];
  if (!schema) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown assertion "${written}"; expected one of ${ASSERTION_TYPES.join(', ')} (or not_<type> for any of them)`,
    });
    return z.NEVER;
  }
  const parsed = schema.safeParse(entry[written]);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [written, ...issue.path] });
    return z.NEVER;
  }
  const weight = entry.weight;
  if (weight !== undefined && (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0)) {
    ctx.addIssue({ code: 'custom', message: 'a weight is a number ≥ 0', path: ['weight'] });
    return z.NEVER;
  }
  return { type, value: parsed.data, ...(negated ? { not: true } : {}), ...(weight !== undefined ? { weight } : {}) } as Assertion;
});

const varValue = z.union([z.string(), z.number(), z.boolean()]);
const varSet = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name (letters, digits, _)'), varValue);
export type VarSet = Record<string, string | number | boolean>;

export const testSchema = z
  .strictObject({
    name: z.string().min(1),
    category: z.string().default('general'),
    prompt: z.string().optional(),
    messages: z.array(messageSchema).min(1).optional(),
    system: z.string().optional(),
    /** Values for `{{name}}` placeholders; a list runs the test once per set. */
    vars: z.union([varSet, z.array(varSet).min(1, 'at least one set of vars')]).optional(),
    /** Model options for this test's ladder calls (over defaults.options and the provider's). */
    options: modelOptionsSchema.optional(),
    repeat: z.int().min(1).max(100).optional(),
    timeout_ms: z.int().min(100).optional(),
    expect: z.array(assertionSchema).default([]),
    /** Pass when the weighted score of the assertions reaches this (0..1), instead of when every one passes. */
    threshold: unit.optional(),
  })
  .superRefine((t, ctx) => {
    // A test with neither uses defaults.prompt; the suite checks that one exists (expandTest).
    if (t.prompt !== undefined && t.messages !== undefined)
      ctx.addIssue({ code: 'custom', message: 'give either `prompt` or `messages`, not both' });
  });
/** A test as the runner sees it: expanded over its vars, with the suite's default assertions and options applied. */
export type SuiteTest = Omit<z.infer<typeof testSchema>, 'vars'> & { vars?: VarSet };

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Replaces `{{name}}` with the var's value; names without a value are collected in `missing`. */
export function substituteVars(text: string, vars: VarSet, missing: Set<string>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) {
      missing.add(name);
      return whole;
    }
    return String(value);
  });
}

/** The assertion with vars substituted in its text: judge rubrics and the expected strings. */
function substituteAssertion(assertion: Assertion, sub: (text: string) => string): Assertion {
  switch (assertion.type) {
    case 'judge':
      return {
        ...assertion,
        value: typeof assertion.value === 'string' ? sub(assertion.value) : { ...assertion.value, rubric: sub(assertion.value.rubric) },
      };
    case 'contains':
    case 'not_contains':
    case 'icontains':
    case 'starts_with':
    case 'equals':
      return { ...assertion, value: sub(assertion.value) };
    case 'levenshtein':
    case 'rouge_n':
    case 'similar': {
      const v = assertion.value;
      return { ...assertion, value: typeof v === 'string' ? sub(v) : { ...v, value: sub(v.value) } } as Assertion;
    }
    case 'bleu': {
      const v = assertion.value;
      const each = (x: string | string[]) => (Array.isArray(x) ? x.map(sub) : sub(x));
      return { ...assertion, value: typeof v === 'string' || Array.isArray(v) ? each(v) : { ...v, value: each(v.value) } };
    }
    default:
      return assertion;
  }
}

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
        /** The prompt of tests that give neither `prompt` nor `messages`: a template over each test's vars. */
        prompt: z.string().optional(),
        /** The system text of tests that have none of their own. */
        system: z.string().optional(),
        repeat: z.int().min(1).max(100).default(1),
        /** Use the model response cache for this suite (as models.yaml `cache: true` or --cache do). */
        cache: z.boolean().optional(),
        /** Vars every test sees (a test's own vars win). */
        vars: varSet.optional(),
        /** Model options for every test. */
        options: modelOptionsSchema.optional(),
        /** Assertions applied to every test, before its own. */
        expect: z.array(assertionSchema).default([]),
      })
      .prefault({}),
    /** Run the suite once per entry (a model, or a list of models: a chain) and compare them (as repeated --model). */
    models: z
      .array(z.union([modelRef, z.array(modelRef).min(1)]))
      .min(1)
      .optional(),
    /** Files (relative to the suite) whose contents are part of the judge cache key. */
    sources: z.array(z.string()).default([]),
    tests: z.array(testSchema).min(1, 'at least one test'),
  })
  .transform((suite, ctx) => {
    const tests: SuiteTest[] = [];
    const seen = new Set<string>();
    suite.tests.forEach((raw, i) => {
      for (const test of expandTest(raw, suite.defaults, ['tests', i], ctx)) {
        if (seen.has(test.name))
          ctx.addIssue({ code: 'custom', message: `duplicate test name "${test.name}"`, path: ['tests', i, 'name'] });
        seen.add(test.name);
        tests.push(test);
      }
    });
    return { ...suite, tests };
  });
export type Suite = z.output<typeof suiteSchema>;

type RawTest = z.infer<typeof testSchema>;
type Defaults = { vars?: VarSet; options?: z.infer<typeof modelOptionsSchema>; expect: Assertion[]; prompt?: string; system?: string };

/**
 * One test per var set (named `name[1]`, `name[2]`, … when there are several),
 * placeholders filled in; a placeholder with no value is an error on the field.
 */
function expandTest(given: RawTest, defaults: Defaults, path: Array<string | number>, ctx: z.RefinementCtx): SuiteTest[] {
  const inherits = given.prompt === undefined && given.messages === undefined;
  if (inherits && defaults.prompt === undefined) {
    ctx.addIssue({ code: 'custom', message: 'give `prompt` or `messages` (or defaults.prompt in the suite)', path });
    return [];
  }
  const ownSystem = given.system !== undefined || given.messages?.some((m) => m.role === 'system');
  const raw: RawTest = {
    ...given,
    ...(inherits ? { prompt: defaults.prompt } : {}),
    ...(!ownSystem && defaults.system !== undefined ? { system: defaults.system } : {}),
  };
  const sets = raw.vars === undefined ? [undefined] : Array.isArray(raw.vars) ? raw.vars : [raw.vars];
  const options = defaults.options || raw.options ? { ...defaults.options, ...raw.options } : undefined;
  return sets.map((set, n) => {
    const vars: VarSet = { ...defaults.vars, ...set };
    const { vars: _declared, ...rest } = raw;
    const name = sets.length > 1 ? `${raw.name}[${n + 1}]` : raw.name;
    const at = (where: Array<string | number>, text: string) => {
      const missing = new Set<string>();
      const out = substituteVars(text, vars, missing);
      for (const v of missing)
        ctx.addIssue({
          code: 'custom',
          message: `{{${v}}} has no value in test "${name}"; add it to vars (or defaults.vars)`,
          path: where,
        });
      return out;
    };
    const field = (where: Array<string | number>, text: string) => at([...path, ...where], text);
    return {
      ...rest,
      name,
      ...(rest.prompt !== undefined ? { prompt: field(['prompt'], rest.prompt) } : {}),
      ...(rest.system !== undefined ? { system: field(['system'], rest.system) } : {}),
      ...(rest.messages
        ? { messages: rest.messages.map((m, j) => ({ ...m, content: field(['messages', j, 'content'], m.content) })) }
        : {}),
      ...(options ? { options } : {}),
      ...(Object.keys(vars).length ? { vars } : {}),
      expect: [
        ...defaults.expect.map((a, j) => substituteAssertion(a, (t) => at(['defaults', 'expect', j], t))),
        ...rest.expect.map((a, j) => substituteAssertion(a, (t) => field(['expect', j], t))),
      ],
    };
  });
}

/** The conversation a test sends: system first, then the prompt or messages. */
export function testMessages(test: SuiteTest): Message[] {
  const messages: Message[] = [];
  if (test.system) messages.push({ role: 'system', content: test.system });
  if (test.messages) messages.push(...test.messages);
  else messages.push({ role: 'user', content: test.prompt ?? '' });
  return messages;
}

/** A `file://` reference, where a suite may read a value from a file (the client resolves it before parsing). */
const FILE_REF_JSON_SCHEMA = { type: 'string', pattern: '^file://', description: 'a file, relative to the suite (file://path)' };

/**
 * The JSON Schema of a suite file, for editors and other writers (docs/suite.schema.json,
 * `npm run gen:schema`): the zod schema's input side, with each assertion spelled out
 * (every type, its `not_` negation, and `weight`) and `file://` where files are read.
 * `summaries` (the client's assertion registry) become the assertions' descriptions.
 */
export function suiteJsonSchema(summaries: Partial<Record<AssertionType, string>> = {}): Record<string, unknown> {
  const base = z.toJSONSchema(suiteSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown> & {
    properties: Record<string, Record<string, unknown>>;
  };
  const assertion = {
    oneOf: ASSERTION_TYPES.flatMap((type) => {
      const value = z.toJSONSchema(ASSERTION_SCHEMAS[type], { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
      delete value.$schema;
      return [type, `not_${type}`].map((key) => ({
        type: 'object',
        ...(summaries[type] ? { description: key === type ? summaries[type] : `negated: ${summaries[type]}` } : {}),
        properties: { [key]: value, weight: { type: 'number', minimum: 0 } },
        required: [key],
        additionalProperties: false,
      }));
    }),
  };
  const props = base.properties;
  const orFile = (schema: unknown) => ({ anyOf: [schema, FILE_REF_JSON_SCHEMA] });
  const tests = props.tests as { items: { properties: Record<string, Record<string, unknown>> } };
  tests.items.properties.expect = { type: 'array', items: assertion };
  tests.items.properties.vars = orFile(tests.items.properties.vars);
  const defaults = props.defaults as { properties: Record<string, Record<string, unknown>> };
  defaults.properties.expect = { type: 'array', items: assertion };
  defaults.properties.vars = orFile(defaults.properties.vars);
  props.tests = orFile(props.tests);
  return { $id: 'https://gstack.dev/schemas/suite-v1.json', title: 'gstack eval suite', ...base };
}
