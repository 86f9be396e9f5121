import { Ajv } from 'ajv';
import { parseJsonOutput } from './is-json.ts';
import { type AssertionHandler, fail, pass } from './types.ts';

const ajv = new Ajv({ allErrors: true, strict: false });

export const jsonSchema: AssertionHandler<Record<string, unknown>> = (schema, { output }) => {
  const parsed = parseJsonOutput(output);
  if (!parsed.ok) return fail(`expected JSON: ${parsed.error}`);
  let validate: ReturnType<typeof ajv.compile>;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    return fail(`the json_schema itself is invalid: ${(error as Error).message}`);
  }
  if (validate(parsed.value)) return pass;
  return fail(`JSON does not match the schema: ${ajv.errorsText(validate.errors, { separator: '; ' })}`);
};
