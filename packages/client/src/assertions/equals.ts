import { type AssertionHandler, fail, pass, show } from './types.ts';

/** Exact match after trimming surrounding whitespace. */
export const equals: AssertionHandler<string> = (value, { output }) =>
  output.trim() === value.trim() ? pass : fail(`expected the output to equal ${show(value)}, got ${show(output)}`);
