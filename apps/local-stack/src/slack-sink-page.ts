/**
 * The Slack sink's page: received messages as a person would read them in
 * Slack (header, sections, context; mrkdwn's bold, italic, strike, code and
 * links rendered), newest first, every string escaped. Slack's own `&amp;`
 * `&lt;` `&gt;` escapes are undone first, then everything is escaped for HTML
 * before any markup is added, so text can never become a tag.
 */
import { escapeHtml, html, SafeHtml } from '@gstack/core';
import type { SlackMessage } from './slack-sink.ts';

/** The emoji shortcodes gstack's messages use, as Slack draws them (others stay as typed). */
const EMOJI: Record<string, string> = {
  rotating_light: '🚨',
  white_check_mark: '✅',
  bar_chart: '📊',
  wave: '👋',
};

/** A Slack link, `<url>` or `<url|label>` (http, https and mailto only). */
const LINK = /<((?:https?|mailto):[^|<>]+)(?:\|([^<>]+))?>/g;

/** Slack's entity escapes undone and gstack's emoji drawn: the text Slack displays, before HTML escaping. */
function fromSlack(text: string): string {
  return text
    .replace(/:([a-z_]+):/g, (code, name: string) => EMOJI[name] ?? code)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Slack text (entities escaped, links as `<url|label>`) back to what Slack displays. */
export function slackToPlain(text: string): string {
  return fromSlack(text.replace(LINK, (_m, url: string, label?: string) => (label ? `${label} (${url})` : url)));
}

function textOf(value: unknown): string {
  const text = (value as { text?: unknown } | undefined)?.text;
  return typeof text === 'string' ? slackToPlain(text) : '';
}

/** Slack's inline styles on text that is already HTML-escaped (the markers survive escaping). */
function styled(escaped: string): string {
  return escaped
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g, '$1<b>$2</b>')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;!?])/g, '$1<i>$2</i>')
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,:;!?])/g, '$1<s>$2</s>');
}

/** Slack mrkdwn as Slack shows it: links become anchors, the rest is escaped, then styled. */
export function mrkdwnToHtml(text: string): SafeHtml {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(LINK)) {
    out += styled(escapeHtml(fromSlack(text.slice(last, m.index))));
    const url = fromSlack(m[1] ?? '');
    out += html`<a href="${url}">${fromSlack(m[2] ?? url)}</a>`.toString();
    last = (m.index ?? 0) + m[0].length;
  }
  out += styled(escapeHtml(fromSlack(text.slice(last))));
  return new SafeHtml(out);
}

function mrkdwnOf(value: unknown): SafeHtml {
  const item = value as { type?: unknown; text?: unknown } | undefined;
  if (typeof item?.text !== 'string') return html``;
  return item.type === 'mrkdwn' ? mrkdwnToHtml(item.text) : html`${slackToPlain(item.text)}`;
}

function renderBlock(block: Record<string, unknown>): SafeHtml {
  switch (block.type) {
    case 'header':
      return html`<h3>${textOf(block.text)}</h3>`;
    case 'section':
      return html`<pre class="section">${mrkdwnOf(block.text)}</pre>`;
    case 'context': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      return html`<p class="context">${elements.map((e, i) => html`${i ? ' ' : ''}${mrkdwnOf(e)}`)}</p>`;
    }
    case 'divider':
      return html`<hr>`;
    default:
      return html`<pre class="raw">${JSON.stringify(block)}</pre>`;
  }
}

export function renderSinkPage(messages: SlackMessage[]): string {
  const items = [...messages].reverse().map((m) => {
    const blocks = Array.isArray(m.payload.blocks) ? (m.payload.blocks as Array<Record<string, unknown>>) : [];
    const body = blocks.length ? blocks.map(renderBlock) : html`<pre class="section">${textOf(m.payload)}</pre>`;
    return html`<article><p class="meta">${m.received_at} · ${m.path}</p>${body}
<details><summary>payload</summary><pre class="raw">${JSON.stringify(m.payload, null, 2)}</pre></details></article>`;
  });
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Slack sink · gstack local stack</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d1c1d; }
article { border: 1px solid #ddd; border-radius: 8px; padding: 0.5rem 1rem; margin: 1rem 0; }
h3 { margin: 0.5rem 0; } .meta, .context { color: #616061; font-size: 0.85rem; }
pre { white-space: pre-wrap; word-break: break-word; font-family: inherit; margin: 0.4rem 0; }
code { font-family: ui-monospace, monospace; font-size: 0.85em; background: #f6f6f6; padding: 0 0.2em; border-radius: 3px; }
pre.raw { font-family: ui-monospace, monospace; font-size: 0.8rem; background: #f6f6f6; padding: 0.5rem; }
</style></head>
<body><h1>Slack sink</h1>
<p>${messages.length} message${messages.length === 1 ? '' : 's'} received. Use any path under this address as a team's webhook:
<code>gstack team set slack-webhook &lt;this address&gt;/any/path</code>. JSON: <a href="/messages">/messages</a>.</p>
${items.length ? items : html`<p>Nothing received yet.</p>`}
</body></html>`.toString();
}
