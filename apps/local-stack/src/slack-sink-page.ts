/**
 * The Slack sink's page: received messages as a person would read them in
 * Slack (header, sections, context; mrkdwn shown as text), newest first,
 * every string escaped. Slack's own `&amp;` `&lt;` `&gt;` escapes are
 * undone first, then everything is escaped for HTML.
 */
import { html, type SafeHtml } from '@gstack/core';
import type { SlackMessage } from './slack-sink.ts';

/** Slack text (entities escaped, links as `<url|label>`) back to what Slack displays. */
export function slackToPlain(text: string): string {
  return text
    .replace(/<((?:https?|mailto):[^|<>]+)\|([^<>]+)>/g, '$2 ($1)')
    .replace(/<((?:https?|mailto):[^|<>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function textOf(value: unknown): string {
  const text = (value as { text?: unknown } | undefined)?.text;
  return typeof text === 'string' ? slackToPlain(text) : '';
}

function renderBlock(block: Record<string, unknown>): SafeHtml {
  switch (block.type) {
    case 'header':
      return html`<h3>${textOf(block.text)}</h3>`;
    case 'section':
      return html`<pre class="section">${textOf(block.text)}</pre>`;
    case 'context': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      return html`<p class="context">${elements.map((e) => textOf(e)).join(' ')}</p>`;
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
pre.raw { font-family: ui-monospace, monospace; font-size: 0.8rem; background: #f6f6f6; padding: 0.5rem; }
</style></head>
<body><h1>Slack sink</h1>
<p>${messages.length} message${messages.length === 1 ? '' : 's'} received. Use any path under this address as a team's webhook:
<code>gstack team set slack-webhook &lt;this address&gt;/any/path</code>. JSON: <a href="/messages">/messages</a>.</p>
${items.length ? items : html`<p>Nothing received yet.</p>`}
</body></html>`.toString();
}
