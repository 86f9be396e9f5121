import { type AssertionHandler, fail, pass, show } from './types.ts';

export const regex: AssertionHandler<string> = (value, { output }) =>
  new RegExp(value).test(output) ? pass : fail(`expected the output to match /${value}/, got ${show(output)}`);
