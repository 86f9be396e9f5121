/**
 * Aligned text tables for the terminal: columns left- or right-aligned by
 * display width (CJK and emoji take two columns), control characters in
 * values escaped, the widest flexible column truncated (with …) to fit.
 */
import { visible } from './term.ts';
import { displayWidth, sliceColumns } from './width.ts';

export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  align?: 'left' | 'right';
  /** May be shortened to fit the width. */
  flexible?: boolean;
}

const width = displayWidth;

function truncate(text: string, max: number): string {
  if (width(text) <= max) return text;
  return max <= 1 ? sliceColumns(text, max) : `${sliceColumns(text, max - 1)}…`;
}

export function renderTable<Row>(columns: Column<Row>[], rows: Row[], maxWidth = 120, footer?: string[]): string {
  // Values come from files and the store: control characters are shown, never sent to the terminal.
  const cells = rows.map((row) => columns.map((c) => visible(c.value(row))));
  const widths = columns.map((c, i) => Math.max(width(c.header), ...cells.map((r) => width(r[i] ?? ''))));
  const gap = 2;
  let total = widths.reduce((a, b) => a + b, 0) + gap * (columns.length - 1);
  // Shrink flexible columns, widest first, until the table fits.
  while (total > maxWidth) {
    const candidates = columns.map((c, i) => ({ i, w: widths[i] ?? 0, flexible: c.flexible })).filter((c) => c.flexible && c.w > 8);
    const widest = candidates.sort((a, b) => b.w - a.w)[0];
    if (!widest) break;
    const cut = Math.min(total - maxWidth, widest.w - 8);
    widths[widest.i] = widest.w - cut;
    total -= cut;
  }
  const line = (values: string[]) =>
    values
      .map((v, i) => {
        const w = widths[i] ?? 0;
        const text = truncate(v, w);
        const padding = ' '.repeat(Math.max(0, w - width(text)));
        return columns[i]?.align === 'right' ? padding + text : text + padding;
      })
      .join(' '.repeat(gap))
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line), ...(footer ?? [])].join('\n');
}

/** The terminal's width, or a generous default when not on a terminal. */
export function terminalWidth(stream: NodeJS.WriteStream = process.stdout): number {
  return stream.isTTY && stream.columns ? stream.columns : 120;
}
