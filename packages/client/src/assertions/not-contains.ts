import { type AssertionHandler, fail, pass, show } from './types.ts';

export const notContains: AssertionHandler<string> = (value, { output }) =>
  output.includes(value) ? fail(`expected the output not to contain ${show(value)}`) : pass;
