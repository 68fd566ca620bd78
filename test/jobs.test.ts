// Durable jobs: enqueued in the caller's transaction, claimed with FOR UPDATE SKIP LOCKED and a
// lease, run in a transaction with "done", failures retried later with their error kept, and each
// job done once with several runners at once (on PostgreSQL: two connection pools, as two app
// instances would have).
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { postgresDatabase, type Database } from '../src/db/database.ts';
import {
  deleteFinishedJobs, enqueue, PermanentJobError, retryDelaySeconds, runDueJobs, startJobRunner, type JobDefinition, type JobHandlers,
} from '../src/platform/jobs.ts';
import { freshDatabase, testDatabaseKind } from './support/database.ts';

let db: Database;
let drop: () => Promise<void>;

before(async () => {
  ({ db, drop } = await freshDatabase());
  await db.query('CREATE TABLE job_effects (job_id bigint, note text)');
});
after(() => drop());
beforeEach(async () => {
  await db.query('DELETE FROM jobs');
  await db.query('DELETE FROM job_effects');
});

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

async function job(id: number) {
  const { rows } = await db.query<{ attempts: number; last_error: string | null; done_at: Date | null; locked_until: Date | null; run_at: Date }>(
    'SELECT attempts, last_error, done_at, locked_until, run_at FROM jobs WHERE id = $1',
    [id],
  );
  return rows[0]!;
}

const effects = async () => (await db.query<{ job_id: number; note: string }>('SELECT job_id, note FROM job_effects ORDER BY job_id')).rows;

/** A handler that records its run in job_effects, in the job's transaction. */
const record: JobHandlers[string] = async (tx, j) => {
  await tx.query('INSERT INTO job_effects (job_id, note) VALUES ($1, $2)', [j.id, String(j.payload.note ?? '')]);
};

describe('enqueue', () => {
  test('a unique key is enqueued once; without one, every time', async () => {
    const first = await enqueue(db, { kind: 'k', uniqueKey: 'daily:kent:2026-05-01' });
    const second = await enqueue(db, { kind: 'k', uniqueKey: 'daily:kent:2026-05-01' });
    assert.ok(first);
    assert.equal(second, null);
    await enqueue(db, { kind: 'k' });
    await enqueue(db, { kind: 'k' });
    assert.equal((await db.query('SELECT 1 FROM jobs')).rows.length, 3);
  });

  test('in the caller’s transaction: rolled back with it', async () => {
    await assert.rejects(db.transaction(async (tx) => {
      await enqueue(tx, { kind: 'k', payload: { note: 'lost' } });
      throw new Error('the change failed');
    }));
    assert.equal((await db.query('SELECT 1 FROM jobs')).rows.length, 0);
  });
});

describe('running jobs', () => {
  test('runs due jobs with their payload, in order, and marks them done; later ones wait', async () => {
    const a = (await enqueue(db, { kind: 'record', payload: { note: 'a' }, tenantId: 'kent' }))!;
    const b = (await enqueue(db, { kind: 'record', payload: { note: 'b' } }))!;
    const c = (await enqueue(db, { kind: 'record', payload: { note: 'c' }, runAt: later(3600) }))!;
    const result = await runDueJobs(db, { record });
    assert.deepEqual(result, { claimed: 2, done: 2, failed: 0 });
    assert.deepEqual((await effects()).map((e) => e.note), ['a', 'b']);
    assert.ok((await job(a)).done_at);
    assert.equal((await job(a)).attempts, 1);
    assert.ok((await job(b)).done_at);
    assert.equal((await job(c)).done_at, null);
    assert.equal((await runDueJobs(db, { record })).claimed, 0, 'done jobs do not run again');
    assert.equal((await runDueJobs(db, { record }, { now: later(3601) })).done, 1);
  });

  test('stops at the limit', async () => {
    for (let i = 0; i < 5; i++) await enqueue(db, { kind: 'record' });
    assert.equal((await runDueJobs(db, { record }, { limit: 3 })).claimed, 3);
    assert.equal((await runDueJobs(db, { record }, { limit: 3 })).claimed, 2);
  });

  test('a failure rolls back the job’s work, keeps the error and tries again later, waiting longer each time', async () => {
    let calls = 0;
    const flaky: JobHandlers[string] = async (tx, j) => {
      calls += 1;
      await tx.query('INSERT INTO job_effects (job_id, note) VALUES ($1, $2)', [j.id, `try ${calls}`]);
      if (calls < 3) throw new Error(`Notify is down (${calls})`);
    };
    const id = (await enqueue(db, { kind: 'flaky' }))!;
    const start = Date.now();
    assert.deepEqual(await runDueJobs(db, { flaky }), { claimed: 1, done: 0, failed: 1 });
    let row = await job(id);
    assert.equal(row.attempts, 1);
    assert.equal(row.last_error, 'Notify is down (1)');
    assert.equal(row.done_at, null);
    assert.equal(row.locked_until, null);
    assert.ok(Math.abs(row.run_at.getTime() - (start + 30_000)) < 5_000, 'tried again in 30 seconds');
    assert.deepEqual(await effects(), [], 'the failed attempt’s work was rolled back');

    assert.equal((await runDueJobs(db, { flaky })).claimed, 0, 'not before its time');
    await runDueJobs(db, { flaky }, { now: later(31) });
    row = await job(id);
    assert.equal(row.attempts, 2);
    assert.equal(row.last_error, 'Notify is down (2)');
    assert.ok(row.run_at.getTime() - Date.now() > 80_000, 'then a minute after that attempt');

    await runDueJobs(db, { flaky }, { now: later(200) });
    row = await job(id);
    assert.ok(row.done_at);
    assert.equal(row.attempts, 3);
    assert.equal(row.last_error, 'Notify is down (2)', 'the last error is kept');
    assert.deepEqual((await effects()).map((e) => e.note), ['try 3']);
  });

  test('the wait doubles from 30 seconds up to 6 hours', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map(retryDelaySeconds), [30, 60, 120, 240, 480]);
    assert.equal(retryDelaySeconds(30), 6 * 60 * 60);
  });

  test('a permanent failure is finished with its error, not tried again', async () => {
    const id = (await enqueue(db, { kind: 'bad' }))!;
    await runDueJobs(db, { bad: async () => { throw new PermanentJobError('the address does not exist'); } });
    const row = await job(id);
    assert.ok(row.done_at);
    assert.equal(row.last_error, 'the address does not exist');
    assert.equal((await runDueJobs(db, { bad: record }, { now: later(86_400) })).claimed, 0);
  });

  test('a job nobody handles fails and waits, for an instance that knows it', async () => {
    const id = (await enqueue(db, { kind: 'from-a-newer-version' }))!;
    assert.equal((await runDueJobs(db, { record })).failed, 1);
    assert.match((await job(id)).last_error!, /No handler for jobs of kind "from-a-newer-version"/);
    assert.equal((await runDueJobs(db, { 'from-a-newer-version': record }, { now: later(31) })).done, 1);
  });

  test('prepare runs first, outside the transaction, and failed runs in the failure’s transaction', async () => {
    const seen: string[] = [];
    let fail = true;
    const twoStep: JobDefinition<string> = {
      async prepare(j) {
        seen.push(`prepare ${j.attempts}`);
        if (fail) throw new Error('the other system said no');
        return 'ticket-1';
      },
      async run(tx, j, _context, prepared) {
        seen.push(`run ${prepared}`);
        await tx.query('INSERT INTO job_effects (job_id, note) VALUES ($1, $2)', [j.id, prepared]);
      },
      async failed(tx, j, error) {
        seen.push(`failed: ${error.message}`);
        await tx.query('INSERT INTO job_effects (job_id, note) VALUES ($1, $2)', [j.id, 'failure noted']);
      },
    };
    await enqueue(db, { kind: 'two-step' });
    await runDueJobs(db, { 'two-step': twoStep as JobDefinition });
    fail = false;
    await runDueJobs(db, { 'two-step': twoStep as JobDefinition }, { now: later(31) });
    assert.deepEqual(seen, ['prepare 1', 'failed: the other system said no', 'prepare 2', 'run ticket-1']);
    assert.deepEqual((await effects()).map((e) => e.note), ['failure noted', 'ticket-1']);
  });
});

describe('a crashed runner', () => {
  test('its job is claimed again when the lease runs out', async () => {
    const id = (await enqueue(db, { kind: 'record' }))!;
    // claimed by a runner that then died: attempts counted, leased for five minutes
    await db.query("UPDATE jobs SET attempts = 1, locked_until = now() + interval '5 minutes' WHERE id = $1", [id]);
    assert.equal((await runDueJobs(db, { record })).claimed, 0, 'not while the lease holds');
    assert.equal((await runDueJobs(db, { record }, { now: later(301) })).done, 1);
    assert.equal((await job(id)).attempts, 2);
  });

  test('a runner whose lease ran out while it was busy does not run the job as well', async () => {
    const id = (await enqueue(db, { kind: 'slow' }))!;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let prepared = 0;
    const slow: JobDefinition = {
      async prepare() {
        prepared += 1;
        if (prepared === 1) await gate; // the first runner stalls here past its lease
      },
      run: async (tx, j) => void (await tx.query('INSERT INTO job_effects (job_id, note) VALUES ($1, $2)', [j.id, `run after prepare ${prepared}`])),
    };
    const stalled = runDueJobs(db, { slow }, { leaseSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const other = await runDueJobs(db, { slow }, { now: later(5) });
    assert.equal(other.done, 1);
    release();
    const first = await stalled;
    assert.deepEqual(first, { claimed: 1, done: 0, failed: 0 }, 'the stalled runner found its lease gone');
    assert.equal((await effects()).length, 1, 'run once');
    assert.ok((await job(id)).done_at);
  });
});

describe('several runners at once', () => {
  test('each job is done exactly once', { timeout: 120_000 }, async () => {
    const count = 150;
    const runs = new Map<number, number>();
    const work: JobHandlers[string] = async (tx, j) => {
      runs.set(j.id, (runs.get(j.id) ?? 0) + 1);
      if (db.kind === 'postgres') await tx.query('SELECT pg_sleep(0.002)');
      await tx.query('INSERT INTO job_effects (job_id, note) VALUES ($1, $2)', [j.id, 'ran']);
    };
    for (let i = 0; i < count; i++) await enqueue(db, { kind: 'work', payload: { i } });
    // On PostgreSQL, a second connection pool: a second app instance.
    let second: Database = db;
    if (testDatabaseKind() === 'postgres') {
      const { rows } = await db.query<{ name: string }>('SELECT current_database() AS name');
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${rows[0]!.name}`;
      second = postgresDatabase(url.toString(), { max: 4 });
    }
    try {
      const results = await Promise.all([
        runDueJobs(db, { work }, { limit: count }),
        runDueJobs(second, { work }, { limit: count }),
        runDueJobs(db, { work }, { limit: count }),
        runDueJobs(second, { work }, { limit: count }),
      ]);
      assert.equal(results.reduce((sum, r) => sum + r.done, 0), count);
      if (testDatabaseKind() === 'postgres') {
        assert.ok(results.filter((r) => r.done > 0).length >= 2, `the work was shared: ${results.map((r) => r.done).join(', ')}`);
      }
    } finally {
      if (second !== db) await second.close();
    }
    assert.equal(runs.size, count);
    assert.ok([...runs.values()].every((n) => n === 1), 'no job ran twice');
    assert.equal((await effects()).length, count);
    assert.equal((await db.query('SELECT 1 FROM jobs WHERE done_at IS NULL')).rows.length, 0);
  });
});

describe('the runner in the app', () => {
  test('polls, runs the recurring schedules, and stops cleanly', async () => {
    let scheduled = 0;
    await enqueue(db, { kind: 'record', payload: { note: 'queued before start' } });
    const runner = startJobRunner(db, { record }, {
      pollSeconds: 0.05,
      recurring: [async (d) => { scheduled += 1; await enqueue(d, { kind: 'record', payload: { note: 'daily' }, uniqueKey: 'daily:test' }); }],
    });
    try {
      for (let i = 0; i < 100 && (await effects()).length < 2; i++) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual((await effects()).map((e) => e.note).sort(), ['daily', 'queued before start']);
      assert.equal(scheduled, 1, 'hourly: once so far');
      await enqueue(db, { kind: 'record', payload: { note: 'woken' } });
      runner.wake();
      for (let i = 0; i < 100 && (await effects()).length < 3; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal((await effects()).length, 3);
    } finally {
      await runner.stop();
    }
    await enqueue(db, { kind: 'record', payload: { note: 'after stop' } });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await effects()).length, 3, 'nothing runs after stop');
  });

  test('finished jobs are deleted after a while', async () => {
    const id = (await enqueue(db, { kind: 'record' }))!;
    await runDueJobs(db, { record });
    await db.query("UPDATE jobs SET done_at = now() - interval '31 days' WHERE id = $1", [id]);
    await enqueue(db, { kind: 'record', runAt: later(60) });
    assert.equal(await deleteFinishedJobs(db, 30), 1);
    assert.equal((await db.query('SELECT 1 FROM jobs')).rows.length, 1, 'waiting jobs stay');
  });
});
