// Referrals for tests: whole submissions through the core (as every way in makes them), and bare
// rows for the triage queue's tests, which need hundreds with chosen urgencies and deadlines.
import crypto from 'node:crypto';
import type { Database } from '../../src/db/database.ts';
import { staffContextFor, type RequestContext, type StaffContext } from '../../src/platform/context.ts';
import { NO_PREFERENCES } from '../../src/domain/contact-preferences.ts';
import { newReferenceCode } from '../../src/domain/reference-code.ts';
import type { Urgency } from '../../src/domain/working-days.ts';
import type { ReferralSubmission } from '../../src/features/referrals/model.ts';
import { demoEmail } from './app.ts';

export const publicContext = (db: Database): RequestContext => ({ db, actor: null, requestId: `test-${crypto.randomUUID()}`, ip: '127.0.0.1' });

/** The context of a demo staff member, as a signed-in request would have it. */
export const staffContext = (db: Database, role: string, tenant = 'kent'): Promise<StaffContext> => staffContextFor(db, demoEmail(role, tenant));

function randomDateOfBirth(): string {
  const day = new Date(Date.UTC(1940, 0, 1) + crypto.randomInt(60 * 365) * 86_400_000);
  return day.toISOString().slice(0, 10);
}

/** A self-referral from someone nobody knows yet (a unique family name), living in Dartford. */
export function selfReferral(overrides: Partial<ReferralSubmission> = {}, person: Partial<ReferralSubmission['person']> = {}): ReferralSubmission {
  return {
    source: 'self',
    channel: 'web',
    referrer: { organisationId: null, userId: null, name: null, role: null, relationship: null, email: null, phone: null },
    person: {
      // A date of birth of its own, so nobody already known looks like them (which would need a match check).
      givenName: 'Robin', familyName: `Testperson${crypto.randomInt(1e9)}`, dateOfBirth: randomDateOfBirth(), nhsNumber: null,
      postcode: 'DA1 1AA', district: 'DA1', phone: '07700 900123', email: 'robin@example.com', gpOrganisationId: null, gpPracticeName: null,
      ...person,
    },
    contactPreferences: { ...NO_PREFERENCES, call: true, email: true },
    consentGpShare: true,
    personConsents: null,
    reason: 'I have been feeling low for months.',
    needs: ['lantern-needs:depression'],
    crisis: false,
    requestedUrgency: null,
    idempotencyKey: `web:${crypto.randomUUID()}`,
    ...overrides,
  };
}

export interface QueueEntry {
  urgency: Urgency;
  dueAt: Date;
  matchStatus?: 'linked' | 'created' | 'needs_review';
  areaName?: string;
  crisisFlag?: boolean;
  eligible?: boolean;
  fastTrack?: boolean;
  receivedAt?: Date;
  givenName?: string;
  familyName?: string;
  dateOfBirth?: string | null;
}

/** A referral waiting for triage with the urgency and deadline given, straight into the table. */
export async function addQueuedReferral(db: Database, tenantId: string, entry: QueueEntry): Promise<{ id: string; reference: string }> {
  const reference = newReferenceCode((n) => crypto.randomBytes(n));
  const receivedAt = entry.receivedAt ?? new Date(entry.dueAt.getTime() - 5 * 86_400_000);
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO referrals (tenant_id, reference, source, channel, given_name, family_name, date_of_birth, received_at, original_received_at,
                            urgency, due_at, match_status, person_id, area_id, district, crisis_flag, eligibility, fast_track)
     VALUES ($1, $2, 'self', 'web', $3, $4, $5, $6, $6, $7, $8, $9,
             CASE WHEN $9 = 'needs_review' THEN NULL ELSE (SELECT id FROM people WHERE tenant_id = $1 ORDER BY id LIMIT 1) END,
             (SELECT id FROM areas WHERE tenant_id = $1 AND name = $10), $11, $12, $13, $14)
     RETURNING id`,
    [
      tenantId, reference, entry.givenName ?? 'Queue', entry.familyName ?? `Person${crypto.randomInt(1e6)}`, entry.dateOfBirth === undefined ? '1985-06-01' : entry.dateOfBirth,
      receivedAt.toISOString(), entry.urgency, entry.dueAt.toISOString(), entry.matchStatus ?? 'linked', entry.areaName ?? null,
      entry.areaName ? 'DA1' : null, entry.crisisFlag ?? false,
      JSON.stringify({ eligible: entry.eligible ?? true, reasons: entry.eligible === false ? [{ code: 'outside_area', message: 'Lives outside the area.' }] : [] }),
      entry.fastTrack ?? false,
    ],
  );
  return { id: rows[0]!.id, reference };
}

/** Empties a tenant's triage queue (withdrawing what is there), so a test sees only what it adds. */
export async function emptyQueue(db: Database, tenantId: string): Promise<void> {
  await db.query(
    `UPDATE referrals SET state = 'withdrawn', close_reason = 'entered_in_error', closed_at = now() WHERE tenant_id = $1 AND state = 'received'`,
    [tenantId],
  );
}

/** The references in the queue page's rows, in the order shown. */
export function queueReferences(html: string): string[] {
  return [...html.matchAll(/<tr class="nhsuk-table__row[^"]*" data-reference="([^"]+)">/g)].map((m) => m[1]!);
}

/** The page's link with this rel (or text), decoded. */
export function linkHref(html: string, pattern: RegExp): string | null {
  const m = pattern.exec(html);
  return m ? m[1]!.replace(/&amp;/g, '&') : null;
}
