/**
 * What the store takes on disk: the database, and each table that grows with results (heap,
 * TOAST, each index), as bytes per result, so 5,000,000 and 50,000,000 results compare; and
 * which of their indexes the measured workload never scanned.
 */
import type { BenchContext } from './context.ts';
import type { Metric } from './report.ts';

/** The tables that grow with results: the rows, and the rollups the pages read. */
export const STORE_TABLES = ['eval_runs', 'eval_results', 'eval_attempts', 'eval_costs', 'test_costs_daily', 'answer_groups_daily'];

export interface TableSize {
  table: string;
  heap: number;
  toast: number;
  indexes: Array<{ name: string; bytes: number }>;
}

export interface StoreSize {
  results: number;
  database: number;
  tables: TableSize[];
}

export async function storeSize(context: BenchContext): Promise<StoreSize> {
  const db = context.owner;
  const results = Number((await db.query<{ n: string }>('select count(*) as n from public.eval_results')).rows[0]?.n ?? 0);
  const database = Number((await db.query<{ n: string }>('select pg_database_size(current_database()) as n')).rows[0]?.n ?? 0);
  const { rows } = await db.query<{ table: string; heap: string; toast: string; indexes: Array<{ name: string; bytes: number }> }>(
    `select c.relname as table,
            pg_relation_size(c.oid) as heap,
            -- TOAST: its heap and its index (pg_total_relation_size counts both)
            coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) as toast,
            coalesce((select jsonb_agg(jsonb_build_object('name', i.relname, 'bytes', pg_relation_size(i.oid)) order by i.relname)
                      from pg_index x join pg_class i on i.oid = x.indexrelid where x.indrelid = c.oid), '[]') as indexes
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relname = any ($1) order by c.relname`,
    [STORE_TABLES],
  );
  return {
    results,
    database,
    tables: rows.map((r) => ({ table: r.table, heap: Number(r.heap), toast: Number(r.toast), indexes: r.indexes })),
  };
}

const perResult = (bytes: number, results: number) => (results ? bytes / results : Number.NaN);

/** One figure per table (bytes per result) and per part of it: heap, TOAST, each index. */
export function storageMetrics(size: StoreSize, label: string): Metric[] {
  const metrics: Metric[] = [{ name: `${label}: database (pg_database_size)`, unit: 'MB', value: size.database / 2 ** 20 }];
  const total = (t: TableSize) => t.heap + t.toast + t.indexes.reduce((n, i) => n + i.bytes, 0);
  metrics.push({
    name: `${label}: results, attempts, costs and rollups, bytes per result`,
    unit: 'B/result',
    value: perResult(
      size.tables.reduce((n, t) => n + total(t), 0),
      size.results,
    ),
  });
  for (const t of size.tables) {
    metrics.push(
      { name: `${label}: ${t.table}`, unit: 'B/result', value: perResult(total(t), size.results) },
      { name: `${label}:   ${t.table} heap`, unit: 'B/result', value: perResult(t.heap, size.results) },
    );
    if (t.toast > 16_384) metrics.push({ name: `${label}:   ${t.table} TOAST`, unit: 'B/result', value: perResult(t.toast, size.results) });
    for (const i of t.indexes)
      metrics.push({ name: `${label}:   index ${i.name}`, unit: 'B/result', value: perResult(i.bytes, size.results) });
  }
  return metrics;
}

/** Forgets index usage so far (the seed's), so unusedIndexes tells what the measured workload used. */
export async function resetIndexUsage(context: BenchContext): Promise<void> {
  await context.owner.query('select pg_stat_reset()');
}

/** Indexes of STORE_TABLES with no scan since resetIndexUsage, with their size. */
export async function unusedIndexes(context: BenchContext): Promise<Array<{ name: string; bytes: number }>> {
  // The statistics collector reports with a delay of up to a second; ask it for the current numbers.
  await context.owner.query('select pg_stat_clear_snapshot()');
  const { rows } = await context.owner.query<{ name: string; bytes: string }>(
    `select s.indexrelname as name, pg_relation_size(s.indexrelid) as bytes
     from pg_stat_user_indexes s
     where s.schemaname = 'public' and s.relname = any ($1) and s.idx_scan = 0
     order by pg_relation_size(s.indexrelid) desc`,
    [STORE_TABLES],
  );
  return rows.map((r) => ({ name: r.name, bytes: Number(r.bytes) }));
}
