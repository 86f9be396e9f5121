import { type AssertionHandler, fail, pass, show } from './types.ts';

export const contains: AssertionHandler<string> = (value, { output }) =>
  output.includes(value) ? pass : fail(`expected the output to contain ${show(value)}`);
