// The way every feature runs work on a record it has decided access to: inside a savepoint of the
// caller's transaction, so that when the work refuses (bad input, a stale version, an impossible
// step) what it wrote is undone but the audit rows of the refusal are kept when the transaction
// commits, and the refusal is thrown only after that. Nothing is half written; every refusal is
// on the record.
import type { Transaction } from '../db/database.ts';
import { AppError } from './errors.ts';

export type Outcome<T> = { kind: 'refused'; error: AppError } | { kind: 'done'; value: T };

/**
 * Runs `work` in a savepoint. An AppError from it rolls the savepoint back, then `audit` records
 * the refusal, and the refusal is returned for the caller to throw after commit. Any other error
 * is a fault: it propagates and the whole transaction rolls back.
 */
export async function refusable<T>(tx: Transaction, work: () => Promise<T>, audit: (refusal: AppError) => Promise<void>): Promise<Outcome<T>> {
  await tx.query('SAVEPOINT refusable_work');
  try {
    const value = await work();
    await tx.query('RELEASE SAVEPOINT refusable_work');
    return { kind: 'done', value };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    await tx.query('ROLLBACK TO SAVEPOINT refusable_work');
    await audit(error);
    return { kind: 'refused', error };
  }
}
