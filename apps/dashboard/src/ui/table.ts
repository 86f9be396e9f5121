/**
 * Tables the reader can sort and download: one column list drives the header
 * (sort links in the URL, ?sort=key or ?sort=-key), the order of the rows
 * (sorted on the server) and the CSV export of exactly the rows shown
 * (?csv=<table id> on the same URL, so filters, period and page apply).
 * Phones hide the columns marked hideSm.
 */
import { html, type SafeHtml } from '@gstack/core';
import { stringify } from 'csv-stringify/sync';
import type { Context } from 'hono';
import type { DashboardEnv } from '../env.ts';
import { currentPath, href } from './layout.ts';

export interface Column<Row> {
  /** The sort key in the URL and the CSV header. */
  key: string;
  label: string | SafeHtml;
  /** What the cell shows (escaped by html``). */
  cell: (row: Row) => SafeHtml | string | number;
  /** The raw value, for sorting and the CSV; without it the column neither sorts nor exports. */
  value?: (row: Row) => string | number | null;
  num?: boolean;
  /** Hidden on a phone (the key columns stay). */
  hideSm?: boolean;
  /** Extra classes of the cells (wrap, wrap-sm). */
  className?: string;
  /** Not a sort link even though it has a value (e.g. the database sorts another way). */
  unsortable?: boolean;
}

export interface Sort {
  key: string;
  desc: boolean;
}

/**
 * A column that only exports: for a table drawn by hand (rows of two lines, columns per tier),
 * whose CSV lists the values its cells show, raw.
 */
export function csvColumn<Row>(key: string, value: (row: Row) => string | number | null): Column<Row> {
  return { key, label: key, value, cell: (row) => value(row) ?? '' };
}

/** ?<param>=key or -key when it names a sortable column, else the fallback. */
export function readSort<Row>(c: Context<DashboardEnv>, columns: Column<Row>[], fallback: Sort, param = 'sort'): Sort {
  const raw = c.req.query(param) ?? '';
  const desc = raw.startsWith('-');
  const key = desc ? raw.slice(1) : raw;
  return columns.some((col) => col.key === key && col.value && !col.unsortable) ? { key, desc } : fallback;
}

/** Rows in the column's order (stable; empty values last either way). */
export function sortRows<Row>(rows: Row[], columns: Column<Row>[], sort: Sort): Row[] {
  const value = columns.find((col) => col.key === sort.key)?.value;
  if (!value) return rows;
  const dir = sort.desc ? -1 : 1;
  return rows
    .map((row, i) => ({ row, i, v: value(row) }))
    .sort((a, b) => {
      if (a.v === null || a.v === '') return b.v === null || b.v === '' ? a.i - b.i : 1;
      if (b.v === null || b.v === '') return -1;
      const d = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v));
      return d === 0 ? a.i - b.i : dir * d;
    })
    .map((x) => x.row);
}

/** The current URL with `changes` applied (null removes a parameter) and the page offset reset. */
function withQuery(c: Context<DashboardEnv>, changes: Record<string, string | null>): string {
  const url = new URL(c.req.url);
  url.searchParams.delete('offset');
  url.searchParams.delete('csv');
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  // Under the public path (a proxy may add a prefix before basePath).
  return `${href(c, currentPath(c))}${url.search}`;
}

export interface TableOptions<Row> {
  /** Names the table in ?csv= and in the download's file name. */
  id: string;
  /** The region's name for screen readers and the CSV link's text. */
  label: string;
  columns: Column<Row>[];
  rows: Row[];
  /** The current order; omit for a table that does not sort. */
  sort?: Sort;
  sortParam?: string;
  className?: string;
  /** Offer the CSV link (default true); the page must answer wantsCsv for this id. */
  csv?: boolean;
  /** data-* attributes of a row (names without the data- prefix), for tests and styling. */
  rowData?: (row: Row) => Record<string, string>;
}

function classes<Row>(col: Column<Row>): string {
  return [col.num ? 'num' : '', col.hideSm ? 'hide-sm' : '', col.className ?? ''].filter(Boolean).join(' ');
}

/** A panel with the table, sortable headers (aria-sort on the current one) and a CSV link. */
export function dataTable<Row>(c: Context<DashboardEnv>, options: TableOptions<Row>): SafeHtml {
  const { columns, rows, sort } = options;
  const param = options.sortParam ?? 'sort';
  const head = columns.map((col) => {
    const cls = classes(col);
    const current = sort?.key === col.key;
    if (!sort || !col.value || col.unsortable) return html`<th${cls ? html` class="${cls}"` : ''}>${col.label}</th>`;
    // First click: numbers largest first, text A to Z; on the current column, the other way.
    const desc = current ? !sort.desc : Boolean(col.num);
    const link = withQuery(c, { [param]: `${desc ? '-' : ''}${col.key}` });
    return html`<th${cls ? html` class="${cls}"` : ''}${current ? html` aria-sort="${sort.desc ? 'descending' : 'ascending'}"` : ''}><a class="sort" href="${link}">${col.label}${current ? html`<span aria-hidden="true">${sort.desc ? ' ▼' : ' ▲'}</span>` : ''}</a></th>`;
  });
  const body = rows.map(
    (row) =>
      html`<tr${Object.entries(options.rowData?.(row) ?? {}).map(([name, value]) => html` data-${name}="${value}"`)}>${columns.map(
        (col) => {
          const cls = classes(col);
          return html`<td${cls ? html` class="${cls}"` : ''}>${col.cell(row)}</td>`;
        },
      )}</tr>`,
  );
  return html`<div class="panel" role="region" aria-label="${options.label}"><table${options.className ? html` class="${options.className}"` : ''}>
  <thead><tr>${head}</tr></thead>
  <tbody>${body}</tbody></table></div>
  ${options.csv === false ? '' : csvLink(c, options.id, options.label)}`;
}

/** "Download CSV" for the table `id` as it is shown now. */
export function csvLink(c: Context<DashboardEnv>, id: string, label: string): SafeHtml {
  return html`<p class="csv"><a href="${withQuery(c, { csv: id })}" download>Download ${label} as CSV</a></p>`;
}

/** The table `id` was asked for as CSV (?csv=id). */
export function wantsCsv(c: Context<DashboardEnv>, id: string): boolean {
  return c.req.query('csv') === id;
}

/**
 * The rows as CSV with a header of the exported columns' keys; text that a spreadsheet would run
 * as a formula (=, +, -, @ first) is prefixed with an apostrophe.
 */
export function csvResponse<Row>(c: Context<DashboardEnv>, filename: string, columns: Column<Row>[], rows: Row[]): Response {
  const exported = columns.filter((col) => col.value);
  const records = rows.map((row) => exported.map((col) => col.value?.(row) ?? ''));
  const text = stringify([exported.map((col) => col.key), ...records], { escape_formulas: true, record_delimiter: 'windows' });
  c.header('content-type', 'text/csv; charset=utf-8');
  c.header('content-disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}.csv"`);
  c.header('cache-control', 'no-store');
  return c.body(text);
}
