// What the carers feature holds about a person, for their subject access export: their crisis
// plan, the carers linked to them with every consent decision and carers' assessment, and the
// secure links made for their own pages (never the link itself).
import { exportRows, groupBy, type SubjectAccessSource } from '../../platform/subject-access.ts';

export const carerSources: SubjectAccessSource[] = [
  {
    key: 'crisis-plan',
    title: 'Your crisis plan',
    description: 'The warning signs, what helps, what to avoid, and who to call, as written with you.',
    tables: ['crisis_plans'],
    load: (tx, tenantId, personId) => exportRows(tx, 'SELECT * FROM crisis_plans WHERE tenant_id = $1 AND person_id = $2', [tenantId, personId]),
  },
  {
    key: 'carers',
    title: 'Your carers and what they may see',
    description: 'Each carer linked to you, what you agreed they may see or be told, every change to that, and any carer’s assessment offered to them about caring for you.',
    tables: ['carer_links', 'carers', 'carer_consent_events', 'carer_assessments'],
    async load(tx, tenantId, personId) {
      const links = await exportRows(
        tx,
        `SELECT l.*, c.given_name AS carer_given_name, c.family_name AS carer_family_name, c.phone AS carer_phone, c.email AS carer_email
           FROM carer_links l JOIN carers c ON c.tenant_id = l.tenant_id AND c.id = l.carer_id
          WHERE l.tenant_id = $1 AND l.person_id = $2 ORDER BY l.created_at`,
        [tenantId, personId],
      );
      const ids = links.map((l) => l.id);
      const consent = groupBy(await exportRows(tx, 'SELECT * FROM carer_consent_events WHERE tenant_id = $1 AND link_id = ANY($2::uuid[]) ORDER BY at', [tenantId, ids]), 'link_id');
      const assessments = groupBy(await exportRows(tx, 'SELECT * FROM carer_assessments WHERE tenant_id = $1 AND link_id = ANY($2::uuid[]) ORDER BY offered_on', [tenantId, ids]), 'link_id');
      return links.map((l) => ({ ...l, consent_history: consent.get(l.id) ?? [], assessments: assessments.get(l.id) ?? [] }));
    },
  },
  {
    key: 'secure-links',
    title: 'Links to your own pages',
    description: 'When a secure link to your own pages (or a carer’s) was made, how it was given, and when it was used. The links themselves are not kept.',
    tables: ['portal_links', 'portal_sessions'],
    async load(tx, tenantId, personId) {
      const links = await exportRows(tx, 'SELECT * FROM portal_links WHERE tenant_id = $1 AND person_id = $2 ORDER BY created_at', [tenantId, personId]);
      const sessions = groupBy(await exportRows(tx, 'SELECT link_id, created_at, last_seen_at, expires_at FROM portal_sessions WHERE tenant_id = $1 AND person_id = $2', [tenantId, personId]), 'link_id');
      return links.map((l) => ({ ...l, visits: sessions.get(l.id) ?? [] }));
    },
  },
];
