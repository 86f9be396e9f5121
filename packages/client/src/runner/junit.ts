/**
 * JUnit XML for CI systems (GitHub Actions, GitLab, Jenkins read it): one
 * <testsuite> per eval suite, one <testcase> per test and trial, failures
 * with the assertion or error that failed. Text is escaped with the one
 * escaping rule in core (the XML entities are the HTML ones).
 */
import { escapeHtml, type StandardEvalResult, type TestResult } from '@gstack/core';

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** XML 1.0 cannot carry most control characters, even escaped: they become U+FFFD. */
const xmlChar = (ch: string) => {
  const code = ch.charCodeAt(0);
  return code < 32 && code !== 9 && code !== 10 && code !== 13 ? '\ufffd' : ch;
};
const text = (value: unknown) => Array.from(escapeHtml(value), xmlChar).join('');

function failure(result: TestResult): string {
  const failed = result.assertions.filter((a) => !a.passed);
  const message = result.error ?? failed.map((a) => `${a.type}${a.message ? `: ${a.message}` : ''}`).join('; ');
  const detail = [
    result.resolved_model ? `model: ${result.resolved_model} (${result.resolved_tier})` : null,
    ...failed.map((a) => `${a.type}: ${a.message ?? 'failed'}`),
    result.output !== null ? `output: ${result.output.slice(0, 2000)}` : null,
  ].filter(Boolean);
  return `<failure message="${text(message || 'failed')}">${text(detail.join('\n'))}</failure>`;
}

function testcase(doc: StandardEvalResult, result: TestResult): string {
  const name = result.trial > 1 ? `${result.name} (trial ${result.trial})` : result.name;
  const open = `<testcase classname="${text(`${doc.suite}.${result.category}`)}" name="${text(name)}" time="${seconds(result.duration_ms)}"`;
  if (result.skipped) return `${open}><skipped/></testcase>`;
  if (result.passed) return `${open}/>`;
  return `${open}>${failure(result)}</testcase>`;
}

/** The JUnit document for the runs of one `gstack eval run`. */
export function junitXml(docs: StandardEvalResult[]): string {
  const suites = docs.map((doc) => {
    const t = doc.totals;
    return [
      `  <testsuite name="${text(doc.suite)}" tests="${t.tests}" failures="${t.failed}" errors="${t.errors}" skipped="${t.skipped}" time="${seconds(doc.duration_ms)}" timestamp="${text(doc.timestamp)}">`,
      ...doc.all_results.map((r) => `    ${testcase(doc, r)}`),
      '  </testsuite>',
    ].join('\n');
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`;
}
