/**
 * `file://` references in a suite, resolved relative to the suite file before
 * the schema sees it: `tests: file://cases.csv` (.csv, .json, .jsonl, .yaml),
 * `vars: file://vars.yaml` (a map, or a list of sets), a var's value, `prompt`,
 * `system`, `messages[].content` and `json_schema` values. A string that
 * starts with `file://` anywhere else, or a file that cannot be read, is an
 * error naming the field: a reference is never sent to a model as text.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASSERTION_SCHEMAS, ASSERTION_TYPES } from '@gstack/core';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../errors.ts';

export const FILE_PREFIX = 'file://';

type Json = unknown;
type Obj = Record<string, Json>;

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
export const isFileRef = (v: unknown): v is string => typeof v === 'string' && v.startsWith(FILE_PREFIX);

/** The assertion types whose value may be a file (parsed as JSON or YAML). */
const STRUCTURED_ASSERTIONS = new Set(['json_schema', 'contains_json']);
/** The assertion types whose value may be a file read as text (code). */
const TEXT_ASSERTIONS = new Set(['javascript', 'python']);

/** Resolves references in one suite document; `read` records every file read (its contents go into prompt_sha). */
export class SuiteFiles {
  /** Every file read, in order, with its contents. */
  readonly read: Array<{ file: string; text: string }> = [];

  constructor(
    private readonly suiteFile: string,
    private readonly dir: string,
  ) {}

  private fail(field: string, message: string): never {
    throw new UserError(`${this.suiteFile}: ${field}: ${message}`);
  }

  /** The absolute path a reference names (`file://x` relative to the suite, `file:///abs` absolute). */
  private pathOf(ref: string): string {
    const rest = ref.slice(FILE_PREFIX.length);
    if (rest.startsWith('/')) return fileURLToPath(`file://${rest}`);
    return path.resolve(this.dir, rest);
  }

  text(ref: string, field: string): string {
    const file = this.pathOf(ref);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      this.fail(field, `${ref}: ${code === 'ENOENT' ? `no such file (${file})` : `cannot read it (${code ?? (error as Error).message})`}`);
    }
    this.read.push({ file, text });
    return text;
  }

  /** A file of records: JSON (a list or one object), JSON Lines, YAML, or CSV (one object per row, the header naming the keys). */
  data(ref: string, field: string): Json {
    const text = this.text(ref, field);
    const ext = path.extname(ref).toLowerCase();
    try {
      if (ext === '.csv') return parseCsv(text, { columns: true, skip_empty_lines: true, bom: true }) as Obj[];
      if (ext === '.jsonl')
        return text
          .split('\n')
          .filter((line) => line.trim())
          .map((line, i) => {
            try {
              return JSON.parse(line);
            } catch (error) {
              throw new Error(`line ${i + 1}: ${(error as Error).message}`);
            }
          });
      if (ext === '.json') return JSON.parse(text);
      if (ext === '.yaml' || ext === '.yml') return parseYaml(text);
    } catch (error) {
      this.fail(field, `${ref}: cannot parse it as ${ext.slice(1).toUpperCase()} (${(error as Error).message})`);
    }
    return this.fail(field, `${ref}: expected a .csv, .json, .jsonl, .yaml or .yml file`);
  }

  /** The suite with every reference resolved. */
  resolve(raw: unknown): unknown {
    if (!isObj(raw)) return raw;
    const doc: Obj = { ...raw };
    if (isObj(doc.defaults)) doc.defaults = this.resolveDefaults(doc.defaults);
    if (isFileRef(doc.tests)) {
      const loaded = this.data(doc.tests, 'tests');
      if (!Array.isArray(loaded)) this.fail('tests', `${doc.tests}: expected a list of tests`);
      const source = doc.tests;
      doc.tests = loaded.map((row, i) =>
        path.extname(source).toLowerCase() === '.csv' ? csvTest(row as Record<string, string>, source, i) : row,
      );
    }
    if (Array.isArray(doc.tests)) doc.tests = doc.tests.map((t, i) => (isObj(t) ? this.resolveTest(t, `tests[${i}]`) : t));
    this.refuseStray(doc, '');
    return doc;
  }

  private resolveDefaults(defaults: Obj): Obj {
    const out: Obj = { ...defaults };
    for (const key of ['prompt', 'system'] as const) if (isFileRef(out[key])) out[key] = this.text(out[key] as string, `defaults.${key}`);
    if (out.vars !== undefined) {
      const vars = this.resolveVars(out.vars, 'defaults.vars');
      if (Array.isArray(vars)) this.fail('defaults.vars', 'expected one set of vars (a map), not a list');
      out.vars = vars;
    }
    if (Array.isArray(out.expect)) out.expect = out.expect.map((a, j) => this.resolveAssertion(a, `defaults.expect[${j}]`));
    return out;
  }

  private resolveTest(test: Obj, at: string): Obj {
    const out: Obj = { ...test };
    for (const key of ['prompt', 'system'] as const) if (isFileRef(out[key])) out[key] = this.text(out[key] as string, `${at}.${key}`);
    if (Array.isArray(out.messages))
      out.messages = out.messages.map((m, j) =>
        isObj(m) && isFileRef(m.content) ? { ...m, content: this.text(m.content, `${at}.messages[${j}].content`) } : m,
      );
    if (out.vars !== undefined) out.vars = this.resolveVars(out.vars, `${at}.vars`);
    if (Array.isArray(out.expect)) out.expect = out.expect.map((a, j) => this.resolveAssertion(a, `${at}.expect[${j}]`));
    return out;
  }

  /** `vars: file://…` (a map or a list of sets), and any var whose value is a file reference (its text). */
  private resolveVars(vars: unknown, at: string): unknown {
    const loaded = isFileRef(vars) ? this.data(vars, at) : vars;
    const set = (value: unknown, where: string) =>
      isObj(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isFileRef(v) ? this.text(v, `${where}.${k}`) : v]))
        : value;
    if (Array.isArray(loaded)) return loaded.map((s, i) => set(s, `${at}[${i}]`));
    return set(loaded, at);
  }

  private resolveAssertion(entry: unknown, at: string): unknown {
    if (!isObj(entry)) return entry;
    const [type] = Object.keys(entry);
    if (!type || !isFileRef(entry[type])) return entry;
    const ref = entry[type] as string;
    const base = type.replace(/^not_/, '');
    if (STRUCTURED_ASSERTIONS.has(base)) return { ...entry, [type]: this.data(ref, `${at}.${type}`) };
    if (TEXT_ASSERTIONS.has(base)) return { ...entry, [type]: this.text(ref, `${at}.${type}`) };
    if (STRUCTURED_ASSERTIONS.has(type)) return { ...entry, [type]: this.data(ref, `${at}.${type}`) };
    if (TEXT_ASSERTIONS.has(type)) return { ...entry, [type]: this.text(ref, `${at}.${type}`) };
    return entry;
  }

  /** Any `file://` string left is in a field that does not read files: refused rather than sent as text. */
  private refuseStray(value: unknown, at: string): void {
    if (isFileRef(value))
      this.fail(
        at || '(top)',
        `${value}: files can be referenced only by tests, vars (or a var's value), prompt, system, messages[].content and json_schema`,
      );
    if (Array.isArray(value)) for (const [i, v] of value.entries()) this.refuseStray(v, `${at}[${i}]`);
    else if (isObj(value)) for (const [k, v] of Object.entries(value)) this.refuseStray(v, at ? `${at}.${k}` : k);
  }
}

/** Columns of a tests CSV that are not vars. */
const CSV_FIELDS = new Set(['name', 'category', 'prompt', 'system']);

/**
 * One CSV row as a test: `name` (else `__description`, else `<file>-<row>`),
 * `category`, `prompt`, `system`; `__expected`, `__expected1`, … as
 * assertions (promptfoo's `type: value` or `type:value`, a bare value meaning
 * `equals`); every other column is a var.
 */
function csvTest(row: Record<string, string>, source: string, index: number): Obj {
  const test: Obj = {};
  const vars: Record<string, string> = {};
  const expect: Obj[] = [];
  for (const [column, value] of Object.entries(row)) {
    if (CSV_FIELDS.has(column)) {
      if (value !== '') test[column] = value;
    } else if (column === '__description') {
      if (value !== '') test.name ??= value;
    } else if (/^__expected\d*$/.test(column)) {
      if (value.trim()) expect.push(expectedCell(value));
    } else if (!column.startsWith('__')) vars[column] = value;
  }
  test.name ??= `${path.basename(source, path.extname(source))}-${index + 1}`;
  if (Object.keys(vars).length) test.vars = vars;
  if (expect.length) test.expect = expect;
  return test;
}

const CELL_ALIASES: Record<string, string> = {
  grade: 'judge',
  llm_rubric: 'judge',
  fn: 'javascript',
  starts_with: 'starts_with',
  rouge_n: 'rouge_n',
};

/**
 * `contains: Paris`, `icontains:paris`, `not-contains: x`, `max_latency_ms: 500`: an assertion type
 * (promptfoo's dashes allowed) and its value; anything else is an `equals`.
 */
export function expectedCell(cell: string): Obj {
  const match = /^([a-z_-]+):\s?([\s\S]*)$/.exec(cell.trim());
  const written = match?.[1]?.replace(/-/g, '_');
  // promptfoo's shorthands in CSV cells: `grade:`/`llm-rubric:` is a judge rubric, `fn:` JavaScript.
  const type = written
    ? (CELL_ALIASES[written] ??
      (written.startsWith('not_') && CELL_ALIASES[written.slice(4)] ? `not_${CELL_ALIASES[written.slice(4)]}` : written))
    : undefined;
  const known = (t: string) => (ASSERTION_TYPES as readonly string[]).includes(t);
  if (!match || !type || !(known(type) || (type.startsWith('not_') && known(type.slice(4))))) return { equals: cell };
  const text = match[2] ?? '';
  // The cell is text; the type's value may be a number (max_latency_ms: 500) or true (is_json:).
  const schema = (ASSERTION_SCHEMAS as Record<string, { safeParse(v: unknown): { success: boolean } }>)[type.replace(/^not_/, '')];
  const candidates = [text, Number(text), true];
  return { [type]: candidates.find((v) => schema?.safeParse(v).success) ?? text };
}
