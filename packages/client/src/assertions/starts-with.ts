import { type AssertionHandler, fail, pass, show } from './types.ts';

/** The output, leading whitespace aside, begins with the text. */
export const startsWith: AssertionHandler<string> = (value, { output }) =>
  output.trimStart().startsWith(value) ? pass : fail(`expected the output to start with ${show(value)}, got ${show(output)}`);
