// Process entry: config -> database -> app -> listen, with a graceful shutdown that finishes
// requests in flight and closes the database (releasing the embedded database's lock).
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from './config.ts';
import { postgresDatabase, type Database } from './db/database.ts';
import { dailyEmbeddedVacuum, openEmbedded } from './db/embedded.ts';
import { migrate } from './db/migrate.ts';
import { createApp } from './app.ts';
import { DEMO_PASSWORD, demoSignIns, seedDatabase } from './seed/generate.ts';
import { seedDirectory } from './seed/directory.ts';
import { seedReferrals } from './seed/referrals.ts';
import { seedSupport } from './seed/support.ts';
import { startJobRunner } from './platform/jobs.ts';
import { notificationJobs, transportFor } from './platform/notifications.ts';
import { directoryManageJobs, scheduleDirectorySweeps } from './features/directory/manage/sweep.ts';
import { deleteExpiredPortalRecords } from './features/portal/service.ts';
import { scheduleNoContactReminders, waitingJobs } from './features/referrals/waiting/jobs.ts';
import { intakeJobs, scheduleDraftCleanup } from './features/referrals/intake/drafts.ts';
import { prescriptionJobs, schedulePrescriptionChases } from './features/prescriptions/chasing.ts';

export const DEMO_PEOPLE_PER_TENANT = 2_000;
/** A year of referrals, so the triage queue and waiting lists look alive; dated from the moment the demo is made. */
export const DEMO_REFERRALS_PER_TENANT = 150;
const DEMO_SEED = 'lantern-demo';

async function fillWithDemoData(db: Database, config: Config, log: (line: string) => void): Promise<void> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*) AS n FROM tenants');
  if (Number(rows[0]?.n) > 0) return;
  log(`Adding demo data (${DEMO_PEOPLE_PER_TENANT.toLocaleString('en-GB')} people in each demo area)...`);
  await seedDatabase(db, { tenants: ['kent', 'kingston'], people: DEMO_PEOPLE_PER_TENANT, seed: DEMO_SEED });
  await seedDirectory(db, ['kent', 'kingston']);
  for (const tenant of ['kent', 'kingston'] as const) {
    await seedReferrals(db, { tenant, count: DEMO_REFERRALS_PER_TENANT, seed: DEMO_SEED });
    // plans, goals, contacts and social prescriptions for the people the navigators support
    await seedSupport(db, { tenant, seed: DEMO_SEED, baseUrl: config.publicBaseUrl });
  }
}

/** Opens the configured database, migrated (and, on a new demo database, filled). */
export async function openDatabase(config: Config, log: (line: string) => void = () => {}): Promise<Database> {
  if (config.databaseUrl) {
    const db = postgresDatabase(config.databaseUrl);
    try {
      await migrate(db);
      if (config.demoData) await fillWithDemoData(db, config, log);
    } catch (error) {
      await db.close();
      throw error;
    }
    return db;
  }
  const { db, created } = await openEmbedded(config.dataDir, async (fresh) => {
    log(`Creating the embedded database in ${config.dataDir} ...`);
    await migrate(fresh);
    if (config.demoData) await fillWithDemoData(fresh, config, log);
  });
  if (!created) await migrate(db);
  return db;
}

export function describeStart(config: Config, url: string, db: Database): string {
  const lines = [
    '',
    `Lantern is running at ${url}`,
    `Database: ${db.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)'}`,
  ];
  if (config.demoData) {
    lines.push('', `Demo sign-ins (password for all: ${DEMO_PASSWORD}):`);
    for (const s of demoSignIns()) lines.push(`  ${s.role.padEnd(13)} ${s.email.padEnd(40)} ${s.organisation}`);
  }
  lines.push('', 'Press Ctrl+C to stop.', '');
  return lines.join('\n');
}

export async function serve(config: Config = loadConfig()): Promise<FastifyInstance> {
  const db = await openDatabase(config, (line) => console.log(line));
  const app = await createApp({ config, db });
  // Background work from the jobs table: notification delivery, the daily directory sweep, the
  // referral deadline alerts, the waiting lists' no-contact reminders, chasing unanswered social
  // prescriptions, and deleting expired portal records and self-referral drafts.
  const handlers = {
    ...notificationJobs(transportFor(config, app.log), app.log), ...directoryManageJobs(config), ...waitingJobs(config), ...intakeJobs(),
    ...prescriptionJobs(config),
  };
  const jobs = startJobRunner(db, handlers, {
    pollSeconds: config.jobPollSeconds,
    log: app.log,
    recurring: [
      scheduleDirectorySweeps, deleteExpiredPortalRecords, scheduleNoContactReminders, scheduleDraftCleanup, schedulePrescriptionChases,
      dailyEmbeddedVacuum(),
    ],
  });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    try {
      await jobs.stop();
      await app.close();
    } finally {
      await db.close();
      process.exit(0);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await jobs.stop();
    await db.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host;
  console.log(describeStart(config, `http://${host}:${port}`, db));
  return app;
}
