// The embedded database: PGlite (PostgreSQL compiled to WebAssembly) in a data directory.
//
// Safety rules, because PGlite is one process's private database:
// - a lock file stops a second process opening the same directory (two writers would corrupt it);
// - first-time set-up happens in a temporary directory that is renamed into place only when
//   complete, so a process killed during set-up leaves nothing half made;
// - PGlite does not fsync: commits survive a crashed process, not a power cut. Production uses
//   PostgreSQL (DATABASE_URL).
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgliteDatabase, type Database, type PGliteDatabase } from './database.ts';
import { AppError } from '../platform/errors.ts';

// Same shapes as the pg driver: int8/numeric as numbers, dates as 'YYYY-MM-DD'.
const parsers = {
  20: (v: string) => Number(v),
  1700: (v: string) => Number(v),
  1082: (v: string) => v,
};
// The contrib extensions the migrations create (PostgreSQL servers have them in contrib).
const extensions = { pg_trgm };

/** A new in-memory PGlite; from a database image made by `dumpImage` when given (fast tests). */
export async function createMemoryPGlite(image?: Blob): Promise<PGliteDatabase> {
  return pgliteDatabase(await PGlite.create(image ? { parsers, extensions, loadDataDir: image } : { parsers, extensions }));
}

export async function dumpImage(db: PGliteDatabase): Promise<Blob> {
  return (await db.raw.dumpDataDir('none')) as Blob;
}

export interface EmbeddedDatabase {
  db: Database;
  /** true when this start created the data directory */
  created: boolean;
}

/**
 * Opens (creating on first use) the embedded database in `dataDir`. `prepare` runs on a brand
 * new database before it is moved into place: migrations and demo data, all or nothing.
 */
export async function openEmbedded(
  dataDir: string,
  prepare: (db: Database) => Promise<void>,
): Promise<EmbeddedDatabase> {
  fs.mkdirSync(dataDir, { recursive: true });
  const release = acquireLock(dataDir);
  try {
    const pgdata = path.join(dataDir, 'pgdata');
    let created = false;
    if (!fs.existsSync(pgdata)) {
      const staging = path.join(dataDir, `pgdata.creating-${process.pid}`);
      removeAbandonedStaging(dataDir);
      const fresh = await openAt(staging);
      try {
        await prepare(fresh);
      } finally {
        await fresh.close();
      }
      fs.renameSync(staging, pgdata);
      created = true;
    }
    const db = await openAt(pgdata);
    const close = db.close;
    db.close = async () => {
      try {
        await close();
      } finally {
        release();
      }
    };
    return { db, created };
  } catch (error) {
    release();
    throw error;
  }
}

/** Copies the embedded database in `dataDir` to a gzipped file (the hub must be stopped). */
export async function backupEmbedded(dataDir: string, outFile: string): Promise<void> {
  const release = acquireLock(dataDir);
  try {
    const raw = await PGlite.create({ dataDir: path.join(dataDir, 'pgdata'), parsers, extensions });
    const file = await raw.dumpDataDir('gzip');
    await raw.close();
    fs.writeFileSync(outFile, Buffer.from(await file.arrayBuffer()));
  } finally {
    release();
  }
}

/** Makes a new embedded database in an empty `dataDir` from a backup, all or nothing. */
export async function restoreEmbedded(dataDir: string, fromFile: string): Promise<void> {
  const pgdata = path.join(dataDir, 'pgdata');
  if (fs.existsSync(pgdata)) throw new Error(`${dataDir} already has a database. Restore into an empty DATA_DIR.`);
  fs.mkdirSync(dataDir, { recursive: true });
  const release = acquireLock(dataDir);
  try {
    removeAbandonedStaging(dataDir);
    const staging = path.join(dataDir, `pgdata.creating-${process.pid}`);
    const raw = await PGlite.create({ dataDir: staging, parsers, extensions, loadDataDir: new Blob([fs.readFileSync(fromFile)]) });
    await raw.close();
    fs.renameSync(staging, pgdata);
  } finally {
    release();
  }
}

async function openAt(dir: string): Promise<Database> {
  return pgliteDatabase(await PGlite.create({ dataDir: dir, parsers, extensions }));
}

function removeAbandonedStaging(dataDir: string): void {
  for (const name of fs.readdirSync(dataDir)) {
    if (name.startsWith('pgdata.creating-')) {
      fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
    }
  }
}

/** Takes `dataDir/lantern.lock`, or fails with a clear message naming the holder. */
export function acquireLock(dataDir: string): () => void {
  const lockPath = path.join(dataDir, 'lantern.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        fs.rmSync(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(fs.readFileSync(lockPath, 'utf8').trim());
      if (holder && holder !== process.pid && isRunning(holder)) {
        throw new AppError({
          status: 500,
          code: 'database_locked',
          message:
            `Another Lantern process (pid ${holder}) is using the embedded database in ${dataDir}. ` +
            'Stop that process first, or set DATA_DIR to a different folder.',
        });
      }
      // The holder died without cleaning up (killed, crashed): the lock is stale.
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${lockPath}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The embedded database has no autovacuum: without a VACUUM its tables keep dead rows and its
 * planner keeps the statistics it had when the database was made, so queues and counts slow down
 * as the data changes. This runs VACUUM (ANALYZE) once a UK day, at or after 3am, for the one
 * process that holds the data folder (PostgreSQL does this itself, so it does nothing there).
 * When it last ran is kept in memory: a restart at worst runs it one extra time.
 */
export function dailyEmbeddedVacuum(hour = 3): (db: Database, now: Date) => Promise<void> {
  let lastDay = '';
  return async (db, now) => {
    if (db.kind !== 'pglite') return;
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' })
        .formatToParts(now).map((p) => [p.type, p.value]),
    );
    const day = `${parts.year}-${parts.month}-${parts.day}`;
    if (day === lastDay || Number(parts.hour) < hour) return;
    lastDay = day;
    await db.exec('VACUUM (ANALYZE)');
  };
}
