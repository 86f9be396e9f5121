/** The CI report: a run against its baseline, the gate, and its Markdown. */
export * from './context.ts';
export * from './fisher.ts';
export * from './markdown.ts';
export * from './report.ts';
