// What the people feature holds about a person, for their subject access export: the person
// record itself, their risk flags, and which organisations may see their record and why.
import { exportRows, type SubjectAccessSource } from '../../platform/subject-access.ts';

export const peopleSources: SubjectAccessSource[] = [
  {
    key: 'person',
    title: 'Your details',
    description: 'Who you are, how to reach you, how and when it is safe to contact you, your needs, your GP and whether you agree to us telling them.',
    tables: ['people'],
    load: (tx, tenantId, personId) => exportRows(tx, 'SELECT * FROM people WHERE tenant_id = $1 AND id = $2', [tenantId, personId]),
  },
  {
    key: 'risk',
    title: 'Risks to your safety we have noted',
    description: 'What workers should know about keeping you and them safe, and when it was last checked.',
    tables: ['person_risks'],
    load: (tx, tenantId, personId) => exportRows(tx, 'SELECT * FROM person_risks WHERE tenant_id = $1 AND person_id = $2', [tenantId, personId]),
  },
  {
    key: 'access',
    title: 'Organisations that may see your record',
    description: 'Each organisation that has been able to see your record, why, and until when.',
    tables: ['person_access'],
    load: (tx, tenantId, personId) =>
      exportRows(tx, 'SELECT organisation_id, basis, source_id, granted_at, ended_at FROM person_access WHERE tenant_id = $1 AND person_id = $2 ORDER BY granted_at', [tenantId, personId]),
  },
];
