/**
 * The pg_cron scheduler, for the stand-in in bootstrap.sql. Migrations call
 * `cron.schedule(name, schedule, command)` as on hosted Supabase; this runner
 * reads `cron.job` (at start, whenever it changes, and every 30 s as a safety
 * net) and on each tick of an active job's cron expression (UTC, as pg_cron)
 * runs its command as SQL in the database, recording the run in
 * `cron.job_run_details` like pg_cron. A command that calls a function goes
 * through `net.http_post`, so the pg_net worker delivers it.
 */
import { Cron } from 'croner';
import pg from 'pg';

export interface CronJob {
  jobid: string;
  jobname: string | null;
  schedule: string;
  command: string;
}

export interface CronOptions {
  dbUrl: string;
  log: (line: string) => void;
  reloadMs?: number;
}

export interface CronRunner {
  close(): Promise<void>;
}

export async function startCronRunner(options: CronOptions): Promise<CronRunner> {
  const pool = new pg.Pool({ connectionString: options.dbUrl, max: 2, application_name: 'gstack pg_cron scheduler' });
  const listener = new pg.Client({ connectionString: options.dbUrl, application_name: 'gstack pg_cron listener' });
  let closing = false;
  // An idle connection the server ends is an 'error' on the pool; unheard, it would crash the stack.
  pool.on('error', (error) => {
    if (!closing) options.log(`[cron] database connection lost: ${error.message}`);
  });
  listener.on('error', (error) => {
    if (!closing) options.log(`[cron] listener error: ${error.message}`);
  });
  const scheduled = new Map<string, { job: CronJob; cron: Cron }>();

  async function execute(job: CronJob): Promise<void> {
    const client = await pool.connect();
    const started = new Date();
    let status: 'succeeded' | 'failed' = 'succeeded';
    let message = '';
    try {
      const result = await client.query(job.command);
      const last = Array.isArray(result) ? result.at(-1) : result;
      message = `${last?.command ?? ''} ${last?.rowCount ?? ''}`.trim();
    } catch (error) {
      status = 'failed';
      message = (error as Error).message;
      options.log(`[cron] job ${job.jobname ?? job.jobid} failed: ${message}`);
    } finally {
      client.release();
    }
    await pool
      .query(
        `insert into cron.job_run_details (jobid, job_pid, database, username, command, status, return_message, start_time, end_time)
         values ($1, pg_backend_pid(), current_database(), current_user, $2, $3, $4, $5, now())`,
        [job.jobid, job.command, status, message, started],
      )
      .catch(() => {});
  }

  // Reloads run one at a time so a burst of changes never double-schedules a job.
  let reloading: Promise<void> = Promise.resolve();
  function reload(): Promise<void> {
    reloading = reloading.then(loadJobs, loadJobs);
    return reloading;
  }

  async function loadJobs(): Promise<void> {
    const { rows } = await pool.query<CronJob>('select jobid::text, jobname, schedule, command from cron.job where active order by jobid');
    const seen = new Set<string>();
    for (const job of rows) {
      seen.add(job.jobid);
      const current = scheduled.get(job.jobid);
      if (current && current.job.schedule === job.schedule) {
        current.job = job;
        continue;
      }
      current?.cron.stop();
      try {
        const entry = { job, cron: undefined as unknown as Cron };
        entry.cron = new Cron(job.schedule, { timezone: 'UTC', protect: true }, () => void execute(entry.job));
        scheduled.set(job.jobid, entry);
      } catch (error) {
        options.log(
          `[cron] job ${job.jobname ?? job.jobid} has an invalid schedule ${JSON.stringify(job.schedule)}: ${(error as Error).message}`,
        );
      }
    }
    for (const [id, entry] of scheduled) {
      if (!seen.has(id)) {
        entry.cron.stop();
        scheduled.delete(id);
      }
    }
  }

  await reload();
  await listener.connect();
  await listener.query('listen cron_job_changed');
  listener.on('notification', () => void reload().catch((e: Error) => options.log(`[cron] reload failed: ${e.message}`)));
  const timer = setInterval(
    () => void reload().catch((e: Error) => options.log(`[cron] reload failed: ${e.message}`)),
    options.reloadMs ?? 30_000,
  );
  timer.unref();

  return {
    async close() {
      closing = true;
      clearInterval(timer);
      for (const { cron } of scheduled.values()) cron.stop();
      await listener.end().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}
