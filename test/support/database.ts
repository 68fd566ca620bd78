// A fresh, migrated database for each test file: in-memory PGlite by default, or a new database
// on the PostgreSQL server named by TEST_DATABASE_URL (dropped again afterwards).
import crypto from 'node:crypto';
import pg from 'pg';
import { postgresDatabase, type Database } from '../../src/db/database.ts';
import { createMemoryPGlite } from '../../src/db/embedded.ts';
import { migrate } from '../../src/db/migrate.ts';

export interface TestDatabase {
  db: Database;
  /** the new database's connection string, on PostgreSQL */
  url?: string;
  drop(): Promise<void>;
}

export function testDatabaseKind(): 'postgres' | 'pglite' {
  return process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
}

export async function freshDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const db = await createMemoryPGlite();
    await migrate(db);
    return { db, drop: () => db.close() };
  }
  const name = `lantern_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = postgresDatabase(url.toString(), { max: 20 });
  await migrate(db);
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.close();
      const cleaner = new pg.Client({ connectionString: serverUrl });
      await cleaner.connect();
      await cleaner.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleaner.end();
    },
  };
}
