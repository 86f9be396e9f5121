/**
 * Questions on the terminal for the interactive modes (`setup`, `init`): an
 * empty answer to a required question is asked again (three times, then it
 * is a usage error), and Ctrl-C or Ctrl-D end the command with a usage
 * error and no stack trace, having written nothing.
 */
import { createInterface } from 'node:readline/promises';
import { UserError } from '../errors.ts';

export interface Question {
  key: string;
  text: string;
  /** May be left empty (default: required). */
  optional?: boolean;
  /** Stop asking the rest when this one is left empty. */
  stopIfEmpty?: boolean;
}

const ATTEMPTS = 3;

export async function ask(questions: Question[]): Promise<Record<string, string>> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const aborted = new Promise<never>((_, reject) => {
    rl.once('close', () => reject(new UserError('aborted: nothing was written')));
  });
  aborted.catch(() => {});
  rl.once('SIGINT', () => rl.close());
  const answers: Record<string, string> = {};
  try {
    for (const q of questions) {
      let answer = '';
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        answer = (await Promise.race([rl.question(q.text), aborted])).trim();
        if (answer || q.optional || q.stopIfEmpty) break;
        if (attempt === ATTEMPTS) throw new UserError(`${q.key}: an answer is needed (asked ${ATTEMPTS} times)`);
        process.stderr.write('  (an answer is needed; Ctrl-C to stop)\n');
      }
      answers[q.key] = answer;
      if (!answer && q.stopIfEmpty) break;
    }
  } finally {
    rl.removeAllListeners('close');
    rl.close();
  }
  return answers;
}
