// What the benchmarks that call Lantern in-process share (caseload.ts, reports.ts,
// waiting-list.ts): the database they run on, and timing one call many times.
import { freshDatabase, type TestDatabase } from '../test/support/database.ts';

/** How many timed runs of each scenario: BENCH_RUNS, or the benchmark's own default. */
export const benchRuns = (fallback: number): number => Number(process.env.BENCH_RUNS ?? fallback);

/** A new, empty database: PGlite, or PostgreSQL when BENCH_DATABASE_URL (or TEST_DATABASE_URL) names a server. */
export function benchDatabase(): Promise<TestDatabase> {
  if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
  return freshDatabase();
}

export interface Timings<T> {
  /** what the last call returned */
  result: T;
  /** milliseconds, nearest rank */
  median: number;
  p95: number;
  max: number;
}

/** Calls `call` `warm` times untimed (to warm caches and plans), then `runs` times timed, one at a time. */
export async function timeCalls<T>(call: () => Promise<T>, runs: number, warm = 1): Promise<Timings<T>> {
  let result = undefined as T;
  for (let i = 0; i < warm; i++) result = await call();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = await call();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { result, median: at(0.5), p95: at(0.95), max: times.at(-1)! };
}
