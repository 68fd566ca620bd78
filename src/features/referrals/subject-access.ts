// What referrals hold about a person, for their subject access export: every referral about them
// as it was sent, with its history and every attempt to contact them while they waited.
import { exportRows, groupBy, type SubjectAccessSource } from '../../platform/subject-access.ts';

export const referralSources: SubjectAccessSource[] = [
  {
    key: 'referrals',
    title: 'Referrals',
    description: 'Each time you or someone else asked for support for you: what was sent, what was decided, its history, and each time we tried to contact you.',
    tables: ['referrals', 'referral_events', 'referral_contact_attempts'],
    async load(tx, tenantId, personId) {
      const referrals = await exportRows(tx, 'SELECT * FROM referrals WHERE tenant_id = $1 AND person_id = $2 ORDER BY received_at', [tenantId, personId]);
      const ids = referrals.map((r) => r.id);
      const events = groupBy(await exportRows(tx, 'SELECT * FROM referral_events WHERE tenant_id = $1 AND referral_id = ANY($2::uuid[]) ORDER BY id', [tenantId, ids]), 'referral_id');
      const attempts = groupBy(await exportRows(tx, 'SELECT * FROM referral_contact_attempts WHERE tenant_id = $1 AND referral_id = ANY($2::uuid[]) ORDER BY at', [tenantId, ids]), 'referral_id');
      return referrals.map((r) => ({ ...r, history: events.get(r.id) ?? [], contact_attempts: attempts.get(r.id) ?? [] }));
    },
  },
];
