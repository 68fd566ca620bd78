// Work that refuses is undone, its refusal's audit rows are kept, and a fault undoes everything,
// on the real database (savepoints), nested too: the rule every feature's access wrapper runs on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { refusable } from '../src/platform/refusable.ts';
import { AppError, invalid } from '../src/platform/errors.ts';

let t: TestDatabase;
before(async () => {
  t = await freshDatabase();
  await t.db.query('CREATE TABLE notes (id serial PRIMARY KEY, text text NOT NULL)');
});
after(() => t.drop());

const notes = async (): Promise<string[]> => (await t.db.query<{ text: string }>('SELECT text FROM notes ORDER BY id')).rows.map((r) => r.text);
const write = (tx: { query: (sql: string, params: unknown[]) => Promise<unknown> }, text: string) => tx.query('INSERT INTO notes (text) VALUES ($1)', [text]);

test('work that is done is kept', async () => {
  await t.db.query('DELETE FROM notes');
  const outcome = await t.db.transaction((tx) => refusable(tx, async () => { await write(tx, 'saved'); return 42; }, async () => assert.fail('no refusal')));
  assert.deepEqual(outcome, { kind: 'done', value: 42 });
  assert.deepEqual(await notes(), ['saved']);
});

test('a refusal undoes what the work wrote, keeps what the refusal audited, and is returned', async () => {
  await t.db.query('DELETE FROM notes');
  const outcome = await t.db.transaction(async (tx) => {
    await write(tx, 'before');
    return refusable(tx, async () => {
      await write(tx, 'half a write');
      throw invalid([{ field: 'name', message: 'Enter a name' }]);
    }, async (refusal) => { await write(tx, `refused: ${refusal.code}`); });
  });
  assert.equal(outcome.kind, 'refused');
  assert.ok(outcome.kind === 'refused' && outcome.error instanceof AppError);
  assert.deepEqual(await notes(), ['before', 'refused: invalid']);
});

test('nested: an inner refusal undoes only the inner work; the outer goes on', async () => {
  await t.db.query('DELETE FROM notes');
  const outcome = await t.db.transaction((tx) => refusable(tx, async () => {
    await write(tx, 'outer');
    const inner = await refusable(tx, async () => {
      await write(tx, 'inner');
      throw new AppError({ status: 409, code: 'stale', message: 'Changed meanwhile' });
    }, async () => { await write(tx, 'inner refused'); });
    await write(tx, 'after inner');
    return inner.kind;
  }, async () => assert.fail('the outer work was not refused')));
  assert.deepEqual(outcome, { kind: 'done', value: 'refused' });
  assert.deepEqual(await notes(), ['outer', 'inner refused', 'after inner']);
});

test('a fault (not a refusal) rolls back the whole transaction and is not audited as a refusal', async () => {
  await t.db.query('DELETE FROM notes');
  await assert.rejects(t.db.transaction(async (tx) => {
    await write(tx, 'before');
    return refusable(tx, async () => { await write(tx, 'work'); throw new TypeError('a bug'); }, async () => assert.fail('a fault is not a refusal'));
  }), TypeError);
  assert.deepEqual(await notes(), []);
});
