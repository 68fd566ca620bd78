// Durable background jobs in the database, safe with several Lantern instances. A job is a row in
// `jobs`: written in the same transaction as the change that needs it (enqueue), claimed by one
// runner at a time with FOR UPDATE SKIP LOCKED and a lease (locked_until), so a job whose runner
// crashed is claimed again once its lease runs out. The handler runs in a transaction that also
// marks the job done, so its work and "done" commit together. A failure rolls the work back, keeps
// the error in last_error and tries again later, waiting longer each time.
import type { Database, Queryable, Transaction } from '../db/database.ts';

export interface JobInput {
  kind: string;
  payload?: Record<string, unknown>;
  /** not before this time (default: now) */
  runAt?: Date;
  /** at most one job with this key, ever: a second enqueue with the same key does nothing */
  uniqueKey?: string;
  tenantId?: string | null;
}

export interface Job<P = Record<string, unknown>> {
  id: number;
  tenantId: string | null;
  kind: string;
  payload: P;
  /** attempts so far, this one included */
  attempts: number;
  runAt: Date;
  lastError: string | null;
}

export interface JobContext {
  db: Database;
  /** the runner's clock for this run (tests move it forward; otherwise the time the run started) */
  now: Date;
}

/**
 * What to do for one kind of job. `prepare` (optional) runs outside any transaction, for calls to
 * other systems that must not hold a database connection while they wait; what it returns is given
 * to `run`, which does the database work in the transaction that marks the job done. `failed` runs
 * in the transaction that records a failed attempt (prepare or run threw).
 */
export interface JobDefinition<T = unknown> {
  prepare?(job: Job, context: JobContext): Promise<T>;
  run(tx: Transaction, job: Job, context: JobContext, prepared: T | undefined): Promise<void>;
  failed?(tx: Transaction, job: Job, error: Error, context: JobContext): Promise<void>;
}

export type JobHandler = JobDefinition | ((tx: Transaction, job: Job, context: JobContext) => Promise<void>);
export type JobHandlers = Record<string, JobHandler>;

/** Throw (or any error with `permanent: true`) when trying again cannot help: the job is finished with its error kept. */
export class PermanentJobError extends Error {
  readonly permanent = true;
}

export interface JobLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

const silent: JobLogger = { info() {}, warn() {}, error() {} };

/** Adds a job in the caller's transaction. Returns its id, or null when a job with its uniqueKey already exists. */
export async function enqueue(tx: Queryable, job: JobInput): Promise<number | null> {
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO jobs (tenant_id, kind, payload, unique_key, run_at)
     VALUES ($1, $2, $3, $4, coalesce($5::timestamptz, now()))
     ON CONFLICT (unique_key) DO NOTHING
     RETURNING id`,
    [job.tenantId ?? null, job.kind, JSON.stringify(job.payload ?? {}), job.uniqueKey ?? null, job.runAt ?? null],
  );
  return rows[0] ? Number(rows[0].id) : null;
}

/** Seconds to wait before attempt n + 1 after n failed attempts: 30 s, 1, 2, 4 minutes ... at most 6 hours. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempts - 1), 6 * 60 * 60);
}

export interface RunOptions {
  /** at most this many jobs in this call (default 50) */
  limit?: number;
  /** the clock to run by (default: the database's now()); tests use it to move time on */
  now?: Date;
  /** how long a claimed job is this runner's before another may take it (default 300 s) */
  leaseSeconds?: number;
  log?: JobLogger;
  /** stop claiming more jobs when this returns true */
  stopping?: () => boolean;
}

export interface RunResult {
  /** jobs this call claimed */
  claimed: number;
  done: number;
  failed: number;
}

type JobRow = {
  id: number; tenant_id: string | null; kind: string; payload: Record<string, unknown>; attempts: number;
  run_at: Date; last_error: string | null; lease: string; clock: Date;
};

/** Claims one due job (or none) and commits the claim, so a crash leaves only a lease to run out. */
async function claimOne(db: Database, now: Date | undefined, leaseSeconds: number): Promise<{ job: Job; lease: string; clock: Date } | null> {
  const { rows } = await db.query<JobRow>(
    `WITH clock AS (SELECT coalesce($1::timestamptz, now()) AS now),
          due AS (
            SELECT id FROM jobs, clock
             WHERE done_at IS NULL AND run_at <= clock.now AND (locked_until IS NULL OR locked_until <= clock.now)
             ORDER BY run_at, id
             LIMIT 1
             FOR UPDATE OF jobs SKIP LOCKED)
     UPDATE jobs j
        SET locked_until = clock.now + make_interval(secs => $2), attempts = j.attempts + 1
       FROM due, clock
      WHERE j.id = due.id
     RETURNING j.id, j.tenant_id, j.kind, j.payload, j.attempts, j.run_at, j.last_error,
               j.locked_until::text AS lease, clock.now AS clock`,
    [now ?? null, leaseSeconds],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    job: {
      id: Number(row.id), tenantId: row.tenant_id, kind: row.kind, payload: row.payload ?? {}, attempts: row.attempts,
      runAt: row.run_at, lastError: row.last_error,
    },
    lease: row.lease,
    clock: new Date(row.clock),
  };
}

function definitionOf(handler: JobHandler): JobDefinition {
  return typeof handler === 'function' ? { run: (tx, job, context) => handler(tx, job, context) } : handler;
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * Runs due jobs one at a time until none is due or `limit` have run. Without timers, so tests
 * call it directly; the poller in startJobRunner calls it too.
 */
export async function runDueJobs(db: Database, handlers: JobHandlers, options: RunOptions = {}): Promise<RunResult> {
  const limit = options.limit ?? 50;
  const leaseSeconds = options.leaseSeconds ?? 300;
  const log = options.log ?? silent;
  const result: RunResult = { claimed: 0, done: 0, failed: 0 };
  while (result.claimed < limit && !options.stopping?.()) {
    const claimed = await claimOne(db, options.now, leaseSeconds);
    if (!claimed) break;
    result.claimed += 1;
    const outcome = await runClaimed(db, handlers, claimed, log);
    if (outcome === 'done') result.done += 1;
    else if (outcome === 'failed') result.failed += 1;
  }
  return result;
}

async function runClaimed(
  db: Database,
  handlers: JobHandlers,
  claimed: { job: Job; lease: string; clock: Date },
  log: JobLogger,
): Promise<'done' | 'failed' | 'lost'> {
  const { job, lease } = claimed;
  const context: JobContext = { db, now: claimed.clock };
  const handler = handlers[job.kind];
  const definition = handler ? definitionOf(handler) : null;
  try {
    if (!definition) throw new Error(`No handler for jobs of kind "${job.kind}"`);
    const prepared = definition.prepare ? await definition.prepare(job, context) : undefined;
    const ran = await db.transaction(async (tx) => {
      // Hold the job's row for the whole run: no other runner can claim it meanwhile, even if the
      // lease runs out; and if the lease was lost before we got here, do nothing.
      const mine = await tx.query('SELECT id FROM jobs WHERE id = $1 AND locked_until = $2::timestamptz AND done_at IS NULL FOR UPDATE', [job.id, lease]);
      if (mine.rows.length === 0) return false;
      await definition.run(tx, job, context, prepared);
      await tx.query('UPDATE jobs SET done_at = $2, locked_until = NULL WHERE id = $1', [job.id, claimed.clock]);
      return true;
    });
    if (!ran) {
      log.warn({ job: { id: job.id, kind: job.kind } }, 'job lease lost to another runner; not run here');
      return 'lost';
    }
    return 'done';
  } catch (thrown) {
    const error = asError(thrown);
    const permanent = (error as { permanent?: unknown }).permanent === true;
    const delay = retryDelaySeconds(job.attempts);
    try {
      await db.transaction(async (tx) => {
        const { rows } = await tx.query(
          `UPDATE jobs
              SET last_error = $3, locked_until = NULL,
                  run_at = CASE WHEN $4 THEN run_at ELSE $5::timestamptz + make_interval(secs => $6) END,
                  done_at = CASE WHEN $4 THEN $5::timestamptz END
            WHERE id = $1 AND locked_until = $2::timestamptz AND done_at IS NULL
            RETURNING id`,
          [job.id, lease, (error.message || error.name).slice(0, 2000), permanent, claimed.clock, delay],
        );
        if (rows.length > 0) await definition?.failed?.(tx, job, error, context);
      });
    } catch (recordError) {
      // The lease runs out and the job is tried again; nothing is lost.
      log.error({ err: recordError, job: { id: job.id, kind: job.kind } }, 'could not record a failed job attempt');
    }
    log.warn(
      { job: { id: job.id, kind: job.kind, attempts: job.attempts }, error: error.message, ...(permanent ? {} : { retryInSeconds: delay }) },
      permanent ? 'job failed and will not be tried again' : 'job failed; it will be tried again',
    );
    return 'failed';
  }
}

/** Something to do regularly, such as enqueueing today's sweep: it must be safe to call again (use uniqueKey). */
export type RecurringSchedule = (db: Database, now: Date) => Promise<void>;

export interface RunnerOptions {
  pollSeconds: number;
  log?: JobLogger;
  /** run at start and then every scheduleEverySeconds (default hourly) */
  recurring?: RecurringSchedule[];
  scheduleEverySeconds?: number;
  /** finished jobs are deleted after this many days (default 30) */
  keepFinishedDays?: number;
  batch?: number;
}

export interface JobRunner {
  /** look for due jobs now rather than at the next poll */
  wake(): void;
  /** stops polling and waits for the job in hand to finish */
  stop(): Promise<void>;
}

/** Deletes jobs finished more than `days` ago. */
export async function deleteFinishedJobs(db: Queryable, days: number): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM jobs WHERE done_at < now() - make_interval(days => $1)', [days]);
  return rowCount;
}

/** Polls for due jobs every pollSeconds, and runs the recurring schedules, until stopped. */
export function startJobRunner(db: Database, handlers: JobHandlers, options: RunnerOptions): JobRunner {
  const log = options.log ?? silent;
  const batch = options.batch ?? 50;
  const scheduleEveryMs = (options.scheduleEverySeconds ?? 3600) * 1000;
  let nextSchedule = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const tick = async () => {
    try {
      if (Date.now() >= nextSchedule) {
        nextSchedule = Date.now() + scheduleEveryMs;
        for (const schedule of options.recurring ?? []) await schedule(db, new Date());
        await deleteFinishedJobs(db, options.keepFinishedDays ?? 30);
      }
      // Keep going while full batches come back: there may be more due.
      for (;;) {
        const result = await runDueJobs(db, handlers, { limit: batch, log, stopping: () => stopped });
        if (result.claimed < batch || stopped) break;
      }
    } catch (error) {
      log.error({ err: error }, 'job runner could not check for jobs; it will try again');
    }
  };

  const loop = () => {
    timer = undefined;
    current = tick().finally(() => {
      if (!stopped) {
        timer = setTimeout(loop, options.pollSeconds * 1000);
        timer.unref();
      }
    });
  };
  loop();

  return {
    wake() {
      if (stopped || !timer) return; // a tick is running: it will find the new job
      clearTimeout(timer);
      loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
