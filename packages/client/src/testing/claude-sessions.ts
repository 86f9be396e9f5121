/** Lines of a Claude Code session file, for tests: each prompt, an answer using `tools`, and a tool result. */
export function sessionLines(prompts: string[], tools: string[] = ['Read', 'Edit', 'Read']): string[] {
  const lines: string[] = [];
  prompts.forEach((prompt, i) => {
    const at = new Date(Date.UTC(2026, 10, 20, 9, i)).toISOString();
    lines.push(
      JSON.stringify({
        type: 'user',
        sessionId: 's-1',
        cwd: '/home/dev/acme-app',
        timestamp: at,
        message: { role: 'user', content: prompt },
      }),
    );
    lines.push(
      JSON.stringify({
        type: 'assistant',
        sessionId: 's-1',
        timestamp: at,
        message: {
          role: 'assistant',
          content: [{ type: 'text', text: 'On it.' }, ...tools.map((name) => ({ type: 'tool_use', name, input: {} }))],
        },
      }),
    );
    lines.push(
      JSON.stringify({
        type: 'user',
        sessionId: 's-1',
        timestamp: at,
        message: { role: 'user', content: [{ type: 'tool_result', content: 'ok' }] },
      }),
    );
  });
  return lines;
}

/** Shaped like an Anthropic key, assembled at run time so no key-shaped literal is committed. */
export const FAKE_ANTHROPIC_KEY = ['sk', 'ant', 'api03', 'abcdefghijklmnopqrstuv'].join('-');
