/** The one error type handlers throw; app.onError renders it as a page with its status. */
export class DashboardError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 500 | 502,
    message: string,
  ) {
    super(message);
    this.name = 'DashboardError';
  }
}

/** 404 for anything the user may not see: another team's pages look like missing ones. */
export function notFound(what = 'This page'): DashboardError {
  return new DashboardError(404, `${what} does not exist, or you are not a member of its team.`);
}
