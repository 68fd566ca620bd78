// What social prescribing holds about a person, for their subject access export: each activity or
// service prescribed to them, with every change to it and every session they went to or missed.
import { exportRows, groupBy, type SubjectAccessSource } from '../../platform/subject-access.ts';

export const prescriptionSources: SubjectAccessSource[] = [
  {
    key: 'social-prescriptions',
    title: 'Activities and services you were referred to (social prescriptions)',
    description: 'Each activity or service your navigator referred you to: what they wrote to it, what it answered, and each session you went to or missed.',
    tables: ['prescriptions', 'prescription_events', 'prescription_attendances'],
    async load(tx, tenantId, personId) {
      const prescriptions = await exportRows(tx, 'SELECT * FROM prescriptions WHERE tenant_id = $1 AND person_id = $2 ORDER BY sent_at', [tenantId, personId]);
      const ids = prescriptions.map((p) => p.id);
      const events = groupBy(await exportRows(tx, 'SELECT * FROM prescription_events WHERE tenant_id = $1 AND prescription_id = ANY($2::uuid[]) ORDER BY at', [tenantId, ids]), 'prescription_id');
      const sessions = groupBy(await exportRows(tx, 'SELECT * FROM prescription_attendances WHERE tenant_id = $1 AND prescription_id = ANY($2::uuid[]) ORDER BY session_on', [tenantId, ids]), 'prescription_id');
      return prescriptions.map((p) => ({ ...p, history: events.get(p.id) ?? [], sessions: sessions.get(p.id) ?? [] }));
    },
  },
];
