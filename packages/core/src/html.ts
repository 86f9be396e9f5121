/**
 * HTML escaping: the one implementation every server-rendered page uses
 * (the dashboard, the local stack's sign-in page).
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069). In a
 * user's string they reorder what follows (`sha\u202Eexe.txt` reads "shatxt.exe"), so a
 * page shows them as visible text instead, as GitHub's "hidden Unicode" warning does.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** How a bidirectional control shows on a page: `[U+202E]`. */
export function visibleBidiControl(ch: string): string {
  return `[U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`;
}

/** Escapes text for use in element content and in quoted attribute values; bidi controls become visible. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch)
    .replace(BIDI_CONTROLS, visibleBidiControl);
}

/**
 * Tagged template that escapes every interpolated value unless it is already
 * `SafeHtml` (the result of another `html` call), so nesting stays safe.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += renderValue(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

function renderValue(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(renderValue).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}
