/** `contains_json`: some JSON object or array appears in the output (prose around it allowed), optionally matching a schema. */
import { Ajv } from 'ajv';
import { type AssertionHandler, fail, pass } from './types.ts';

const ajv = new Ajv({ allErrors: true, strict: false });

/** Every JSON object or array embedded in `text`, in order: balanced brackets (strings respected) that parse. */
export function embeddedJson(text: string): unknown[] {
  const found: unknown[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text[i];
    if (open !== '{' && open !== '[') {
      i++;
      continue;
    }
    const end = matchingClose(text, i);
    if (end > i) {
      try {
        found.push(JSON.parse(text.slice(i, end + 1)));
        i = end + 1;
        continue;
      } catch {
        // Not JSON after all (prose in braces): look inside it.
      }
    }
    i++;
  }
  return found;
}

/** The index of the bracket closing the one at `start`, or -1. */
function matchingClose(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') stack.push(c === '{' ? '}' : ']');
    else if (c === '}' || c === ']') {
      if (stack.pop() !== c) return -1;
      if (!stack.length) return i;
    }
  }
  return -1;
}

export const containsJson: AssertionHandler<true | Record<string, unknown>> = (schema, { output }) => {
  const values = embeddedJson(output);
  if (!values.length) return fail('expected the output to contain a JSON object or array');
  if (schema === true) return pass;
  const validate = ajv.compile(schema);
  if (values.some((v) => validate(v))) return pass;
  return fail(`no JSON in the output matches the schema: ${ajv.errorsText(validate.errors, { separator: '; ' })}`);
};
