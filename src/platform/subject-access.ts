// A person's right to a copy of everything held about them (UK GDPR article 15). Each feature
// says what it holds about a person in a subject-access source of its own, beside its own SQL;
// src/features/subject-access/ puts the sources together into one export. Each source names the
// tables it covers, so a test can check that every table holding something about a person is in
// the export, and a new table cannot be forgotten.
import type { Queryable } from '../db/database.ts';

/** One record as exported: column names as keys, values as stored (ids of staff and organisations are named later). */
export type SubjectAccessRecord = Record<string, unknown>;

export interface SubjectAccessSource {
  /** a stable key for the section ('referrals') */
  key: string;
  /** the section's heading, in plain words ("Referrals") */
  title: string;
  /** what the section holds, for the person reading it */
  description: string;
  /** the tables the section reads */
  tables: readonly string[];
  load(tx: Queryable, tenantId: string, personId: string): Promise<SubjectAccessRecord[]>;
}

/**
 * Columns that mean nothing to the person or would weaken security if shown (token hashes,
 * idempotency keys, search vectors); everything else in a row is exported as stored.
 */
const INTERNAL_COLUMNS = new Set([
  'tenant_id', 'token_hash', 'key_hash', 'request_hash', 'idempotency_key', 'submission_key', 'form_key',
  'urgency_rank', 'search_document', 'version',
]);

/** The rows of a query as export records: every column but the internal ones. */
export async function exportRows(tx: Queryable, sql: string, params: readonly unknown[]): Promise<SubjectAccessRecord[]> {
  const { rows } = await tx.query<Record<string, unknown>>(sql, params);
  return rows.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => !INTERNAL_COLUMNS.has(key))));
}

/** Groups child records under their parent's key, for nesting (a referral's history under the referral). */
export function groupBy(records: SubjectAccessRecord[], key: string): Map<unknown, SubjectAccessRecord[]> {
  const groups = new Map<unknown, SubjectAccessRecord[]>();
  for (const record of records) {
    const group = groups.get(record[key]);
    if (group) group.push(record);
    else groups.set(record[key], [record]);
  }
  return groups;
}
