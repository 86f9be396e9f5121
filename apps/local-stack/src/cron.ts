/**
 * A pg_cron stand-in. Migrations that would `cron.schedule(...)` a function
 * call insert the job into `local_stack.cron_jobs` when pg_cron is absent; this
 * runner reads that table (at start, whenever it changes, and every 30 s as a
 * safety net), and on each tick of a
 * job's cron expression (UTC, as pg_cron) POSTs its body to
 * `/functions/v1/<function_name>` with the service-role JWT.
 */
import { Cron } from 'croner';
import pg from 'pg';

export interface CronJob {
  jobname: string;
  schedule: string;
  function_name: string;
  body: unknown;
}

export interface CronOptions {
  dbUrl: string;
  apiUrl: string;
  serviceRoleKey: string;
  log: (line: string) => void;
  reloadMs?: number;
}

export interface CronRunner {
  jobs(): Array<CronJob & { next_run: string | null }>;
  /** Runs a job now, as its schedule would; resolves with the function's HTTP status. */
  run(jobname: string): Promise<number>;
  reload(): Promise<void>;
  close(): Promise<void>;
}

export async function startCronRunner(options: CronOptions): Promise<CronRunner> {
  const pool = new pg.Pool({ connectionString: options.dbUrl, max: 1 });
  const listener = new pg.Client({ connectionString: options.dbUrl });
  let closing = false;
  listener.on('error', (error) => {
    if (!closing) options.log(`[cron] listener error: ${error.message}`);
  });
  const scheduled = new Map<string, { job: CronJob; cron: Cron }>();

  async function invoke(job: CronJob): Promise<number> {
    try {
      const res = await fetch(`${options.apiUrl}/functions/v1/${job.function_name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.serviceRoleKey}` },
        body: JSON.stringify(job.body ?? {}),
        signal: AbortSignal.timeout(60_000),
      });
      await res.arrayBuffer();
      options.log(`[cron] ${job.jobname} → ${job.function_name}: ${res.status}`);
      return res.status;
    } catch (error) {
      options.log(`[cron] ${job.jobname} → ${job.function_name} failed: ${(error as Error).message}`);
      return 0;
    }
  }

  // Reloads run one at a time so a burst of changes never double-schedules a job.
  let reloading: Promise<void> = Promise.resolve();
  function reload(): Promise<void> {
    reloading = reloading.then(loadJobs, loadJobs);
    return reloading;
  }

  async function loadJobs(): Promise<void> {
    const { rows } = await pool.query<CronJob>('select jobname, schedule, function_name, body from local_stack.cron_jobs order by jobname');
    const seen = new Set<string>();
    for (const job of rows) {
      seen.add(job.jobname);
      const current = scheduled.get(job.jobname);
      if (current && current.job.schedule === job.schedule && current.job.function_name === job.function_name) {
        current.job = job;
        continue;
      }
      current?.cron.stop();
      try {
        const entry = { job, cron: undefined as unknown as Cron };
        entry.cron = new Cron(job.schedule, { timezone: 'UTC', protect: true }, () => void invoke(entry.job));
        scheduled.set(job.jobname, entry);
      } catch (error) {
        options.log(`[cron] job ${job.jobname} has an invalid schedule ${JSON.stringify(job.schedule)}: ${(error as Error).message}`);
      }
    }
    for (const [name, entry] of scheduled) {
      if (!seen.has(name)) {
        entry.cron.stop();
        scheduled.delete(name);
      }
    }
  }

  await reload();
  await listener.connect();
  await listener.query('listen local_cron_changed');
  listener.on('notification', () => void reload().catch((e: Error) => options.log(`[cron] reload failed: ${e.message}`)));
  const timer = setInterval(
    () => void reload().catch((e: Error) => options.log(`[cron] reload failed: ${e.message}`)),
    options.reloadMs ?? 30_000,
  );
  timer.unref();

  return {
    jobs: () => [...scheduled.values()].map(({ job, cron }) => ({ ...job, next_run: cron.nextRun()?.toISOString() ?? null })),
    async run(jobname) {
      await reload();
      const entry = scheduled.get(jobname);
      if (!entry) throw new Error(`No cron job named ${jobname}`);
      return invoke(entry.job);
    },
    reload,
    async close() {
      closing = true;
      clearInterval(timer);
      await listener.end().catch(() => {});
      for (const { cron } of scheduled.values()) cron.stop();
      await pool.end().catch(() => {});
    },
  };
}
