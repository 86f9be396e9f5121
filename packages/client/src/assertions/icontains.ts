import { type AssertionHandler, fail, pass, show } from './types.ts';

export const icontains: AssertionHandler<string> = (value, { output }) =>
  output.toLowerCase().includes(value.toLowerCase()) ? pass : fail(`expected the output to contain ${show(value)} (any case)`);
