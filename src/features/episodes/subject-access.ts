// What support episodes hold about a person, for their subject access export: each period of
// support with its plan, goals (with steps and progress), contacts, status records and handovers.
import { exportRows, groupBy, type SubjectAccessSource } from '../../platform/subject-access.ts';

export const episodeSources: SubjectAccessSource[] = [
  {
    key: 'support',
    title: 'Your support',
    description: 'Each time you had support from a navigator: the plan you made together, your goals with their steps and progress, every contact, your work, home, volunteering and learning as you told us, handovers between workers, and how the support ended.',
    tables: ['episodes', 'support_plans', 'goals', 'goal_steps', 'goal_progress', 'episode_contacts', 'episode_status_records', 'handovers'],
    async load(tx, tenantId, personId) {
      const episodes = await exportRows(tx, 'SELECT * FROM episodes WHERE tenant_id = $1 AND person_id = $2 ORDER BY started_at', [tenantId, personId]);
      const ids = episodes.map((e) => e.id);
      const byEpisode = async (sql: string) => groupBy(await exportRows(tx, sql, [tenantId, ids]), 'episode_id');
      const plans = await byEpisode('SELECT * FROM support_plans WHERE tenant_id = $1 AND episode_id = ANY($2::uuid[])');
      const goals = await exportRows(tx, 'SELECT * FROM goals WHERE tenant_id = $1 AND episode_id = ANY($2::uuid[]) ORDER BY created_at', [tenantId, ids]);
      const goalIds = goals.map((g) => g.id);
      const steps = groupBy(await exportRows(tx, 'SELECT * FROM goal_steps WHERE tenant_id = $1 AND goal_id = ANY($2::uuid[]) ORDER BY created_at', [tenantId, goalIds]), 'goal_id');
      const progress = groupBy(await exportRows(tx, 'SELECT * FROM goal_progress WHERE tenant_id = $1 AND goal_id = ANY($2::uuid[]) ORDER BY sequence', [tenantId, goalIds]), 'goal_id');
      const goalsByEpisode = groupBy(goals.map((g) => ({ ...g, steps: steps.get(g.id) ?? [], progress: progress.get(g.id) ?? [] })), 'episode_id');
      const contacts = await byEpisode('SELECT * FROM episode_contacts WHERE tenant_id = $1 AND episode_id = ANY($2::uuid[]) ORDER BY contact_at');
      const status = await byEpisode('SELECT * FROM episode_status_records WHERE tenant_id = $1 AND episode_id = ANY($2::uuid[]) ORDER BY recorded_on, created_at');
      const handovers = await byEpisode('SELECT * FROM handovers WHERE tenant_id = $1 AND episode_id = ANY($2::uuid[]) ORDER BY sent_at');
      return episodes.map((e) => ({
        ...e,
        plan: plans.get(e.id)?.[0] ?? null,
        goals: goalsByEpisode.get(e.id) ?? [],
        contacts: contacts.get(e.id) ?? [],
        status_records: status.get(e.id) ?? [],
        handovers: handovers.get(e.id) ?? [],
      }));
    },
  },
];
