// Storage: migrations (ordered, forward only, once each under a lock) and the embedded database's
// safety rules (one process per data directory, all-or-nothing first start).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { freshDatabase, testDatabaseKind, type TestDatabase } from './support/database.ts';
import { migrate, readMigrations } from '../src/db/migrate.ts';
import { acquireLock, backupEmbedded, dailyEmbeddedVacuum, openEmbedded, restoreEmbedded } from '../src/db/embedded.ts';

describe('migrations', () => {
  let t: TestDatabase;
  before(async () => {
    t = await freshDatabase();
  });
  after(() => t.drop());

  test('are all applied once, in order, and a second run applies nothing', async () => {
    const { rows } = await t.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(rows.map((r) => r.version), readMigrations().map((m) => m.version));
    assert.deepEqual((await migrate(t.db)).applied, []);
  });

  test('several instances migrating at once apply each migration exactly once', { skip: testDatabaseKind() === 'pglite' && 'one connection: nothing runs at once on PGlite' }, async () => {
    const extra = [{ version: 9001, name: 'concurrency_probe', sql: 'CREATE TABLE concurrency_probe (id int)', checksum: 'x' }];
    const results = await Promise.all([1, 2, 3, 4].map(() => migrate(t.db, [...readMigrations(), ...extra])));
    assert.equal(results.filter((r) => r.applied.includes('9001_concurrency_probe')).length, 1);
  });

  test('refuse a migration that changed after it was applied', async () => {
    const changed = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await assert.rejects(migrate(t.db, changed), /has changed since it was applied\. Migrations are forward only/);
  });

  test('a failing migration leaves nothing half applied', async () => {
    const broken = [...readMigrations(), { version: 9100, name: 'broken', sql: 'CREATE TABLE half_made (id int); SELECT no_such_function();', checksum: 'y' }];
    await assert.rejects(migrate(t.db, broken));
    const { rows } = await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'half_made'`);
    assert.equal(Number(rows[0]!.n), 0);
    const versions = await t.db.query<{ n: number }>('SELECT count(*) AS n FROM schema_migrations WHERE version = 9100');
    assert.equal(Number(versions.rows[0]!.n), 0);
  });
});

describe('embedded database safety', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-embedded-'));
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  test('a second process cannot open a data directory in use, and is told why', async () => {
    const dir = tempDir();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      fs.writeFileSync(path.join(dir, 'lantern.lock'), String(holder.pid));
      assert.throws(() => acquireLock(dir), /Another Lantern process \(pid \d+\) is using the embedded database/);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  test('a lock left by a dead process is taken over', async () => {
    const dir = tempDir();
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.on('exit', resolve));
    fs.writeFileSync(path.join(dir, 'lantern.lock'), String(dead.pid));
    const release = acquireLock(dir);
    assert.equal(fs.readFileSync(path.join(dir, 'lantern.lock'), 'utf8'), String(process.pid));
    release();
    assert.equal(fs.existsSync(path.join(dir, 'lantern.lock')), false);
  });

  test('a first start that fails part way leaves no database behind, and the next start builds one', async () => {
    const dir = tempDir();
    await assert.rejects(
      openEmbedded(dir, async (db) => {
        await migrate(db);
        throw new Error('killed during set-up');
      }),
      /killed during set-up/,
    );
    assert.equal(fs.existsSync(path.join(dir, 'pgdata')), false);
    assert.equal(fs.existsSync(path.join(dir, 'lantern.lock')), false, 'lock released');
    const { db, created } = await openEmbedded(dir, (fresh) => migrate(fresh).then(() => undefined));
    try {
      assert.equal(created, true);
      const { rows } = await db.query<{ n: number }>('SELECT count(*) AS n FROM schema_migrations');
      assert.equal(Number(rows[0]!.n), readMigrations().length);
    } finally {
      await db.close();
    }
    assert.equal(fs.readdirSync(dir).filter((f) => f.startsWith('pgdata.creating-')).length, 0);
  });

  test('committed data survives a killed process', async () => {
    const dir = tempDir();
    const script = `
      import { openEmbedded } from './src/db/embedded.ts';
      import { migrate } from './src/db/migrate.ts';
      const { db } = await openEmbedded(${JSON.stringify(dir)}, (fresh) => migrate(fresh).then(() => undefined));
      await db.query("INSERT INTO tenants (id, name) VALUES ('survivor', 'Committed before the kill')");
      process.stdout.write('committed\\n');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd() });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('committed') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    const { db } = await openEmbedded(dir, async () => assert.fail('must reuse the existing database'));
    try {
      const { rows } = await db.query<{ name: string }>(`SELECT name FROM tenants WHERE id = 'survivor'`);
      assert.equal(rows[0]?.name, 'Committed before the kill');
    } finally {
      await db.close();
    }
  });

  test('a backup restores into a new data directory with the same data', async () => {
    const dir = tempDir();
    const { db } = await openEmbedded(dir, (fresh) => migrate(fresh).then(() => undefined));
    await db.query("INSERT INTO tenants (id, name) VALUES ('backed-up', 'In the backup')");
    await db.close();
    const file = path.join(tempDir(), 'backup.tar.gz');
    await backupEmbedded(dir, file);
    const restoredDir = tempDir();
    await restoreEmbedded(restoredDir, file);
    await assert.rejects(restoreEmbedded(restoredDir, file), /already has a database/);
    const restored = await openEmbedded(restoredDir, async () => assert.fail('must open the restored database'));
    try {
      const { rows } = await restored.db.query<{ name: string }>(`SELECT name FROM tenants WHERE id = 'backed-up'`);
      assert.equal(rows[0]?.name, 'In the backup');
    } finally {
      await restored.db.close();
    }
  });
});

describe('embedded database upkeep', () => {
  test('VACUUM (ANALYZE) runs once a UK day from 3am, on the embedded database only', async () => {
    const ran: string[] = [];
    const fake = (kind: 'pglite' | 'postgres') => ({ kind, exec: async (sql: string) => void ran.push(`${kind}: ${sql}`) }) as unknown as Parameters<ReturnType<typeof dailyEmbeddedVacuum>>[0];
    const vacuum = dailyEmbeddedVacuum();
    await vacuum(fake('pglite'), new Date('2026-06-29T01:30:00Z')); // 2:30am BST: not yet
    await vacuum(fake('pglite'), new Date('2026-06-29T02:00:00Z')); // 3am BST
    await vacuum(fake('pglite'), new Date('2026-06-29T20:00:00Z')); // later the same UK day
    await vacuum(fake('pglite'), new Date('2026-06-30T02:05:00Z')); // the next day
    await dailyEmbeddedVacuum()(fake('postgres'), new Date('2026-06-30T09:00:00Z'));
    assert.deepEqual(ran, ['pglite: VACUUM (ANALYZE)', 'pglite: VACUUM (ANALYZE)']);
  });

  test('the VACUUM runs on a real embedded database', { skip: testDatabaseKind() !== 'pglite' && 'the embedded database only' }, async () => {
    const t = await freshDatabase();
    try {
      await dailyEmbeddedVacuum(0)(t.db, new Date());
      const { rows } = await t.db.query<{ n: number }>('SELECT count(*) AS n FROM schema_migrations');
      assert.ok(Number(rows[0]!.n) > 0, 'the database still answers afterwards');
    } finally {
      await t.drop();
    }
  });
});
