/**
 * GitHub Actions for the CI report: what the job's environment says (token, API
 * URL for GitHub Enterprise, repository, the pull request of the event), the job
 * summary it appends to, and the pull-request comment it keeps up to date: found
 * again by a hidden marker and edited, never posted twice. Requests go through
 * @octokit/request (GitHub's own client) to the documented REST endpoints.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { request } from '@octokit/request';
import { VERSION } from '../cli/version.ts';
import { fetchWithTimeout } from '../sync/supabase.ts';

/** What a GitHub Actions job's environment tells the report. */
export interface ActionsContext {
  token: string | null;
  /** REST API root: GITHUB_API_URL (GitHub Enterprise sets its own), else api.github.com. */
  apiUrl: string;
  /** `owner/name`. */
  repository: string | null;
  pullRequest: { number: number; url: string | null; baseRef: string | null } | null;
  /** The repository's default branch, from the event. */
  defaultBranch: string | null;
  /** GITHUB_STEP_SUMMARY: the job summary file. */
  summaryPath: string | null;
  /** The web root (GITHUB_SERVER_URL), for links to a pull request named by number. */
  serverUrl: string;
}

type ActionsEnv = Partial<
  Record<
    'GITHUB_TOKEN' | 'GITHUB_API_URL' | 'GITHUB_SERVER_URL' | 'GITHUB_REPOSITORY' | 'GITHUB_EVENT_PATH' | 'GITHUB_STEP_SUMMARY',
    string
  >
>;

const text = (value: unknown) => (typeof value === 'string' && value ? value : null);

/** Reads the environment and the event file; what cannot be used is a note, never an error. */
export async function actionsContext(env: ActionsEnv): Promise<{ context: ActionsContext; notes: string[] }> {
  const notes: string[] = [];
  const repository = text(env.GITHUB_REPOSITORY);
  const context: ActionsContext = {
    token: text(env.GITHUB_TOKEN),
    apiUrl: (text(env.GITHUB_API_URL) ?? 'https://api.github.com').replace(/\/+$/, ''),
    repository: repository && /^[\w.-]+\/[\w.-]+$/.test(repository) ? repository : null,
    pullRequest: null,
    defaultBranch: null,
    summaryPath: text(env.GITHUB_STEP_SUMMARY),
    serverUrl: (text(env.GITHUB_SERVER_URL) ?? 'https://github.com').replace(/\/+$/, ''),
  };
  if (repository && !context.repository) notes.push(`GITHUB_REPOSITORY should be owner/name, not ${JSON.stringify(repository)}`);
  const eventPath = text(env.GITHUB_EVENT_PATH);
  if (eventPath) {
    try {
      const event = JSON.parse(await readFile(eventPath, 'utf8')) as Record<string, unknown>;
      const pr = event.pull_request as Record<string, unknown> | undefined;
      const number = pr?.number ?? event.number;
      if (pr && typeof number === 'number' && Number.isInteger(number) && number > 0) {
        const base = pr.base as Record<string, unknown> | undefined;
        context.pullRequest = { number, url: text(pr.html_url), baseRef: text(base?.ref) };
      }
      context.defaultBranch = text((event.repository as Record<string, unknown> | undefined)?.default_branch);
    } catch (error) {
      notes.push(`GITHUB_EVENT_PATH ${eventPath} could not be read as JSON (${(error as Error).message}); no pull request`);
    }
  }
  return { context, notes };
}

/** GitHub refuses comment bodies over 65,536 characters. */
const MAX_BODY = 65_000;

export function fitted(body: string): string {
  if (body.length <= MAX_BODY) return body;
  const cut = body.lastIndexOf('\n', MAX_BODY - 200);
  return `${body.slice(0, cut)}\n\n_(cut to fit a comment: the whole report is in the job summary)_\n`;
}

export interface CommentTarget {
  apiUrl: string;
  token: string;
  repository: string;
  pullRequest: number;
  /** The hidden marker our comment starts with. */
  marker: string;
  timeoutMs?: number;
}

export type CommentResult =
  | { data: { action: 'created' | 'updated'; id: number; url: string }; error: null }
  | { data: null; error: string };

/** Pages of comments read looking for ours (100 each): a pull request with more than 5,000 comments gets a new one. */
const MAX_PAGES = 50;

/**
 * Creates the report comment on the pull request, or edits the one that starts
 * with `marker`: GET /repos/{owner}/{repo}/issues/{n}/comments (paged), then
 * PATCH /repos/{owner}/{repo}/issues/comments/{id} or POST
 * /repos/{owner}/{repo}/issues/{n}/comments. Failures are returned, not thrown.
 */
export async function upsertComment(target: CommentTarget, body: string): Promise<CommentResult> {
  const [owner = '', repo = ''] = target.repository.split('/');
  const github = request.defaults({
    baseUrl: target.apiUrl,
    headers: {
      authorization: `Bearer ${target.token}`,
      'user-agent': `gstack/${VERSION}`,
      'x-github-api-version': '2022-11-28',
    },
    request: { fetch: fetchWithTimeout(target.timeoutMs ?? 15_000) },
  });
  const content = fitted(body);
  try {
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { data } = await github('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        owner,
        repo,
        issue_number: target.pullRequest,
        per_page: 100,
        page,
      });
      // Ours starts with the marker. Someone's comment quoting it whole would too: an app's (the
      // Actions bot's) comes first, as the Actions token cannot edit a person's comment.
      const marked = data.filter((c) => c.body?.startsWith(target.marker));
      const ours = marked.find((c) => c.user?.type === 'Bot') ?? marked[0];
      if (ours) {
        const { data: updated } = await github('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
          owner,
          repo,
          comment_id: ours.id,
          body: content,
        });
        return { data: { action: 'updated', id: Number(updated.id), url: updated.html_url }, error: null };
      }
      if (data.length < 100) break;
    }
    const { data: created } = await github('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner,
      repo,
      issue_number: target.pullRequest,
      body: content,
    });
    return { data: { action: 'created', id: Number(created.id), url: created.html_url }, error: null };
  } catch (error) {
    const status = (error as { status?: number }).status;
    const message = (error as Error).message;
    const hint =
      status === 403 || status === 404
        ? ' (the token cannot write to this pull request: a fork, or the workflow lacks `permissions: pull-requests: write`)'
        : status === 401
          ? ' (the token was refused)'
          : '';
    return { data: null, error: `GitHub ${status ? `answered ${status}` : 'could not be reached'}: ${message}${hint}` };
  }
}

/** Appends the report to the job summary (GITHUB_STEP_SUMMARY). */
export async function appendSummary(file: string, markdown: string): Promise<void> {
  await appendFile(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
}
