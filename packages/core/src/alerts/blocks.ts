/**
 * Slack Block Kit pieces with Slack's limits built in: user strings escaped
 * (`&`, `<`, `>` are control characters in Slack mrkdwn), header text at most
 * 150 characters, section text at most 3000, at most 50 blocks per message.
 */

export const SLACK_LIMITS = { header: 150, section: 3000, blocks: 50, fallbackText: 3000 } as const;

export type Block =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji?: boolean } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: Array<{ type: 'mrkdwn'; text: string }> }
  | { type: 'divider' };

/** A Slack incoming-webhook message: blocks and the fallback `text` notifications show. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** Escapes a user string for Slack text (mrkdwn and plain_text alike). */
export function escapeSlack(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Cuts `text` to `max` characters with an ellipsis, never inside an `&…;` entity. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  const amp = cut.lastIndexOf('&');
  if (amp !== -1 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  return `${cut}…`;
}

/** Cuts `text` to at most `max` characters at a word boundary (mid-word only when one word is longer than half of `max`). */
export function clipWords(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(0, max - 1));
  // The cut ends a word when the next character is a space; otherwise back to the last space.
  const end = /\s/.test(text[cut.length] ?? '') ? cut.length : cut.search(/\s\S*$/);
  return end >= max / 2 ? `${cut.slice(0, end).replace(/[\s,.;:]+$/, '')}…` : clip(text, max);
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: clip(text, SLACK_LIMITS.header), emoji: true } };
}

export function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, SLACK_LIMITS.section) } };
}

export function context(text: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: clip(text, SLACK_LIMITS.section) }] };
}

/**
 * Lines as few sections as fit Slack's section limit (a line longer than
 * the limit is clipped), so long lists never break the message.
 */
export function sections(lines: string[]): Block[] {
  const out: Block[] = [];
  let current = '';
  for (const raw of lines) {
    const line = clip(raw, SLACK_LIMITS.section);
    if (current && current.length + 1 + line.length > SLACK_LIMITS.section) {
      out.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(section(current));
  return out;
}

/** The message with at most 50 blocks (the last one says what was left out) and a bounded fallback text. */
export function message(text: string, blocks: Block[]): SlackMessage {
  let kept = blocks;
  if (blocks.length > SLACK_LIMITS.blocks) {
    kept = blocks.slice(0, SLACK_LIMITS.blocks - 1);
    kept.push(context(`…and ${blocks.length - kept.length} more blocks, not shown`));
  }
  return { text: clip(text, SLACK_LIMITS.fallbackText), blocks: kept };
}

/** `12.5` → `12.5%`; null → `n/a`. */
export function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? 'n/a' : `${Math.round(value * 100) / 100}%`;
}

/** Signed points: `-12.5 pp`, `+3 pp`. */
export function pp(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return `${rounded > 0 ? '+' : rounded < 0 ? '−' : '±'}${Math.abs(rounded)} pp`;
}

/** `$0.1234` with four decimals below a dollar, two above. */
export function usd(value: number): string {
  return `$${value.toFixed(Math.abs(value) < 1 ? 4 : 2)}`;
}
