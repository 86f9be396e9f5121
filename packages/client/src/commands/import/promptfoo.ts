/**
 * promptfoo configuration → a gstack suite (one per prompt) and a models.yaml,
 * as data in and data out: `convertPromptfoo` never touches files. Every part
 * it cannot convert is named in `skipped` with where it was (`tests[2].assert[0]:
 * type "is-sql" has no gstack equivalent`), never dropped silently. The table in
 * docs/eval-engine.md ("Coming from promptfoo") is the same mapping in prose.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export interface Converted {
  /** File name (in the output folder) → suite document. */
  suites: Array<{ file: string; suite: Obj }>;
  models: Obj;
  skipped: string[];
}

/** promptfoo provider id → gstack model ref and, when it needs one, a named provider. */
function provider(entry: unknown, at: string, skipped: string[]): { ref: string; named?: [string, Obj] } | undefined {
  const id = typeof entry === 'string' ? entry : isObj(entry) && typeof entry.id === 'string' ? entry.id : undefined;
  if (!id) {
    skipped.push(`${at}: a provider without an id string`);
    return undefined;
  }
  const config = isObj(entry) && isObj(entry.config) ? entry.config : {};
  const parts = id.split(':');
  const kind = parts[0] ?? '';
  const model = parts.length > 2 ? parts.slice(2).join(':') : parts.slice(1).join(':');
  const type = kind === 'openai' ? 'openai' : kind === 'anthropic' ? 'anthropic' : kind === 'ollama' ? 'ollama' : undefined;
  if (!type || !model) {
    skipped.push(
      `${at}: provider "${id}" has no gstack equivalent (openai, anthropic and ollama do; others: an openai-compatible endpoint)`,
    );
    return undefined;
  }
  const options: Obj = {};
  for (const [from, to] of [
    ['temperature', 'temperature'],
    ['max_tokens', 'max_tokens'],
    ['top_p', 'top_p'],
    ['stop', 'stop'],
    ['seed', 'seed'],
  ] as const)
    if (config[from] !== undefined) options[to] = config[from];
  const baseUrl = config.apiBaseUrl ?? config.apiHost;
  for (const key of Object.keys(config))
    if (!['temperature', 'max_tokens', 'top_p', 'stop', 'seed', 'apiBaseUrl', 'apiHost', 'apiKeyEnvar'].includes(key))
      skipped.push(`${at}.config.${key}: not converted`);
  if (!Object.keys(options).length && baseUrl === undefined && config.apiKeyEnvar === undefined) return { ref: `${type}/${model}` };
  const name = `${type}-${model}`.replace(/[^A-Za-z0-9_.-]/g, '-');
  const named: Obj = { type };
  if (typeof baseUrl === 'string') named.base_url = baseUrl;
  if (typeof config.apiKeyEnvar === 'string') named.api_key_env = config.apiKeyEnvar;
  if (Object.keys(options).length) named.options = options;
  return { ref: `${name}/${model}`, named: [name, named] };
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One promptfoo assertion → gstack assertions (contains-all becomes several). */
function assertion(entry: unknown, at: string, skipped: string[]): Obj[] {
  if (!isObj(entry) || typeof entry.type !== 'string') {
    skipped.push(`${at}: an assertion without a type`);
    return [];
  }
  const negated = entry.type.startsWith('not-');
  const type = negated ? entry.type.slice(4) : entry.type;
  const value = entry.value;
  const threshold = typeof entry.threshold === 'number' ? entry.threshold : undefined;
  const withWeight = (a: Obj): Obj => (typeof entry.weight === 'number' ? { ...a, weight: entry.weight } : a);
  const named = (key: string, v: unknown): Obj[] => [withWeight({ [`${negated ? 'not_' : ''}${key}`]: v })];
  const graded = (key: string) => named(key, threshold === undefined ? value : { value, threshold });
  const texts = Array.isArray(value) ? value.map(String) : [];
  switch (type) {
    case 'equals':
    case 'contains':
    case 'icontains':
    case 'regex':
      return named(type, String(value ?? ''));
    case 'starts-with':
      return named('starts_with', String(value ?? ''));
    case 'contains-all':
    case 'icontains-all': {
      const key = type === 'contains-all' ? 'contains' : 'icontains';
      if (!negated) return texts.map((t) => withWeight({ [key]: t }));
      return named(
        'javascript',
        `!${JSON.stringify(texts)}.every((v) => ${key === 'icontains' ? 'output.toLowerCase().includes(v.toLowerCase())' : 'output.includes(v)'})`,
      );
    }
    case 'contains-any':
      return named('regex', texts.map(escapeRegex).join('|'));
    case 'icontains-any':
      return named('javascript', `${JSON.stringify(texts)}.some((v) => output.toLowerCase().includes(v.toLowerCase()))`);
    case 'is-json':
      return isObj(value) ? named('json_schema', value) : named('is_json', true);
    case 'contains-json':
      return named('contains_json', isObj(value) ? value : true);
    case 'javascript':
    case 'python':
      return named(type, threshold === undefined ? String(value ?? '') : { code: String(value ?? ''), threshold });
    case 'levenshtein':
    case 'bleu':
    case 'similar':
      return graded(type);
    case 'rouge-n':
      return graded('rouge_n');
    case 'latency':
      return named('max_latency_ms', threshold ?? value);
    case 'cost':
      return named('max_cost_usd', threshold ?? value);
    case 'llm-rubric':
    case 'model-graded-closedqa':
    case 'factuality':
    case 'g-eval':
    case 'answer-relevance':
    case 'context-faithfulness':
    case 'context-recall':
    case 'context-relevance': {
      const rubric = type === 'factuality' ? `The answer is factually consistent with: ${String(value)}` : String(value ?? '');
      const judge: Obj = { rubric };
      if (threshold !== undefined) judge.threshold = threshold;
      if (typeof entry.provider === 'string') {
        const p = provider(entry.provider, `${at}.provider`, skipped);
        if (p && !p.named) judge.model = p.ref;
      }
      return named('judge', Object.keys(judge).length === 1 ? rubric : judge);
    }
    default:
      skipped.push(`${at}: type "${entry.type}" has no gstack equivalent (write it as javascript or python)`);
      return [];
  }
}

function assertions(list: unknown, at: string, skipped: string[]): Obj[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    skipped.push(`${at}: not a list`);
    return [];
  }
  return list.flatMap((a, i) => assertion(a, `${at}[${i}]`, skipped));
}

/** Templates gstack fills like promptfoo's ({{var}}); nunjucks logic and filters are named. */
function checkTemplate(text: string, at: string, skipped: string[]): void {
  if (/\{%|\{\{[^}]*\|/.test(text)) skipped.push(`${at}: nunjucks tags or filters are not supported (only {{var}} is filled in)`);
}

function prompts(config: Obj, skipped: string[]): string[] {
  const list = config.prompts === undefined ? [] : Array.isArray(config.prompts) ? config.prompts : [config.prompts];
  const out: string[] = [];
  for (const [i, p] of list.entries()) {
    const text =
      typeof p === 'string' ? p : isObj(p) && typeof p.raw === 'string' ? p.raw : isObj(p) && typeof p.id === 'string' ? p.id : undefined;
    if (text === undefined) {
      skipped.push(`prompts[${i}]: not a string, {raw} or {id}`);
      continue;
    }
    if (/^file:\/\/.*\.(json|jsonl|js|ts|py|yaml|yml)$/.test(text)) {
      skipped.push(`prompts[${i}]: ${text}: chat-format or code prompts are not converted (gstack reads text prompt files)`);
      continue;
    }
    checkTemplate(text, `prompts[${i}]`, skipped);
    out.push(text);
  }
  return out;
}

/** A promptfoo test → a gstack test (name from its description), or a file reference. */
function test(entry: unknown, i: number, skipped: string[]): Obj | undefined {
  const at = `tests[${i}]`;
  if (!isObj(entry)) {
    skipped.push(`${at}: not a test object`);
    return undefined;
  }
  const out: Obj = { name: typeof entry.description === 'string' && entry.description.trim() ? entry.description.trim() : `test-${i + 1}` };
  if (entry.vars !== undefined) out.vars = entry.vars;
  const expect = assertions(entry.assert, `${at}.assert`, skipped);
  if (expect.length) out.expect = expect;
  if (typeof entry.threshold === 'number') out.threshold = entry.threshold;
  for (const key of Object.keys(entry))
    if (!['description', 'vars', 'assert', 'threshold'].includes(key)) skipped.push(`${at}.${key}: not converted`);
  return out;
}

/** Converts a parsed promptfooconfig; `name` is the suite name to use (from the file name). */
export function convertPromptfoo(config: unknown, name: string): Converted {
  const skipped: string[] = [];
  if (!isObj(config)) return { suites: [], models: {}, skipped: ['(top): not a promptfoo configuration (a YAML map)'] };
  const models: Obj = {};
  const named: Obj = {};
  const refs: string[] = [];
  const providerList = config.providers === undefined ? [] : Array.isArray(config.providers) ? config.providers : [config.providers];
  providerList.forEach((p, i) => {
    const converted = provider(p, `providers[${i}]`, skipped);
    if (!converted) return;
    refs.push(converted.ref);
    if (converted.named) named[converted.named[0]] = converted.named[1];
  });
  if (Object.keys(named).length) models.providers = named;
  const defaults: Obj = {};
  const defaultTest = isObj(config.defaultTest) ? config.defaultTest : undefined;
  if (defaultTest?.vars !== undefined) defaults.vars = defaultTest.vars;
  const defaultExpect = assertions(defaultTest?.assert, 'defaultTest.assert', skipped);
  if (defaultExpect.length) defaults.expect = defaultExpect;
  const grader = isObj(defaultTest?.options) ? defaultTest.options.provider : undefined;
  if (grader !== undefined) {
    const g = provider(grader, 'defaultTest.options.provider', skipped);
    if (g) {
      models.judge = g.ref;
      if (g.named) models.providers = { ...(models.providers as Obj), [g.named[0]]: g.named[1] };
    }
  }
  for (const key of Object.keys(defaultTest ?? {}))
    if (!['vars', 'assert', 'options'].includes(key)) skipped.push(`defaultTest.${key}: not converted`);
  for (const key of Object.keys(isObj(defaultTest?.options) ? defaultTest.options : {}))
    if (key !== 'provider') skipped.push(`defaultTest.options.${key}: not converted`);
  const rawTests = config.tests;
  let tests: unknown;
  if (typeof rawTests === 'string') tests = rawTests;
  else if (Array.isArray(rawTests)) {
    const files = rawTests.filter((t) => typeof t === 'string');
    if (files.length === 1 && rawTests.length === 1) tests = files[0];
    else {
      for (const [i, t] of rawTests.entries())
        if (typeof t === 'string') skipped.push(`tests[${i}]: ${t}: a file among inline tests is not converted (use tests: FILE alone)`);
      tests = rawTests.flatMap((t, i) => (typeof t === 'string' ? [] : (test(t, i, skipped) ?? [])));
    }
  } else skipped.push('tests: missing');
  if (Array.isArray(tests)) {
    const seen = new Map<string, number>();
    for (const t of tests as Obj[]) {
      const n = (seen.get(String(t.name)) ?? 0) + 1;
      seen.set(String(t.name), n);
      if (n > 1) t.name = `${t.name} (${n})`;
    }
  }
  // promptfoo grades rubrics with a default grader; gstack's judge is the first provider unless defaultTest names one
  // (also for rubrics in a tests file, which the conversion does not read).
  if (refs.length && !models.judge) models.judge = refs[0];
  for (const key of Object.keys(config))
    if (!['description', 'prompts', 'providers', 'tests', 'defaultTest'].includes(key)) skipped.push(`${key}: not converted`);
  const list = prompts(config, skipped);
  const suites = (list.length ? list : [undefined]).map((prompt, i) => {
    const suiteName = list.length > 1 ? `${name}-p${i + 1}` : name;
    const suite: Obj = { suite: suiteName };
    if (typeof config.description === 'string') suite.description = config.description;
    if (refs.length > 1) suite.models = refs;
    const d: Obj = { ...(prompt !== undefined ? { prompt } : {}), ...defaults };
    if (Object.keys(d).length) suite.defaults = d;
    suite.tests = tests ?? [];
    return { file: `${suiteName}.yaml`, suite };
  });
  if (refs.length === 1) models.default_chain = refs;
  return { suites, models, skipped };
}
