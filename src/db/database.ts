// One database interface, two drivers: embedded PGlite (the default, one connection in this
// process) and PostgreSQL through a pg pool. Features write plain SQL against `Queryable` and
// never know which driver runs it.
import pg from 'pg';
import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';

export type Row = Record<string, unknown>;

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  query<T = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
}

export interface Transaction extends Queryable {
  /** Runs several statements separated by semicolons, with no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Transaction {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface PGliteDatabase extends Database {
  readonly kind: 'pglite';
  readonly raw: PGlite;
}

// pg returns bigint and numeric as strings by default; counts in this app fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
// Dates (no time) stay as 'YYYY-MM-DD' strings in both drivers: a date of birth has no time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export function postgresDatabase(connectionString: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // A broken idle connection must not crash the process; the next query gets a fresh one.
  pool.on('error', () => {});
  const query = async <T>(client: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]) => {
    const result = await client.query(sql, params as unknown[] | undefined);
    return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
  };
  return {
    kind: 'postgres',
    query: (sql, params) => query(pool, sql, params),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({
          query: (sql, params) => query(client, sql, params),
          exec: async (sql) => void (await client.query(sql)),
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    exec: async (sql) => void (await pool.query(sql)),
    close: () => pool.end(),
  };
}

export function pgliteDatabase(db: PGlite): PGliteDatabase {
  const wrap = (conn: PGlite | PGliteTransaction): Transaction => ({
    async query<T>(sql: string, params?: readonly unknown[]) {
      const result = await conn.query<T>(sql, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    exec: async (sql) => void (await conn.exec(sql)),
  });
  const root = wrap(db);
  return {
    kind: 'pglite',
    raw: db,
    query: root.query,
    exec: root.exec,
    // PGlite serialises queries and transactions itself: one connection, one at a time.
    transaction: (work) => db.transaction((tx) => work(wrap(tx))),
    close: () => db.close(),
  };
}

/** True when the error is PostgreSQL's unique violation (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '23505';
}
