/** Grouping rows from an aggregate (pages that show one table per suite or model). */

/** Groups rows by a key, keeping first-seen order. */
export function groupBy<T>(rows: T[], key: (row: T) => string): Array<[string, T[]]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return [...map];
}
