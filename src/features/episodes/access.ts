// Who may read or change a support episode and everything hanging from it (plan, goals, steps,
// progress, contacts, status). The rule itself is in with-episode.ts (episodeAccess), the one
// rule for every page about an episode; this is the form the plan and contact pages call it in:
// a purpose and an audit action, with changes to an episode that has ended refused before the
// work runs.
import type { Transaction } from '../../db/database.ts';
import type { StaffContext } from '../../platform/context.ts';
import { expectOpen, withEpisode as withEpisodeWork, type EpisodeAccess, type EpisodePurpose } from './with-episode.ts';

export {
  episodeAccess, isUuid, mayAccessEpisode, readPersonEpisodes, type Episode, type EpisodeAccess, type EpisodePurpose,
} from './with-episode.ts';

export interface EpisodeAudit {
  /** the audit action: 'episode.read', 'plan.update', 'goal.create' ... */
  action: string;
  /** what the action is about, when not the episode itself */
  recordType?: string;
  recordId?: string;
}

/**
 * Reads the episode (locked for an update), decides access, and runs `work` in the same
 * transaction (see withEpisode in with-episode.ts: refusals are audited, and a refusal by `work`
 * rolls back what it wrote). A change to an episode that has ended is refused.
 */
export function withEpisode<T>(
  ctx: StaffContext,
  id: string,
  purpose: EpisodePurpose,
  what: EpisodeAudit,
  work: (tx: Transaction, access: EpisodeAccess) => Promise<T>,
): Promise<T> {
  return withEpisodeWork(ctx, id, {
    action: what.action,
    purpose,
    record: { type: what.recordType ?? 'episode', id: (what.recordId ?? id).slice(0, 64) },
    work: async (tx, access) => {
      if (purpose === 'update') expectOpen(access.episode, 'their plan and records can no longer be changed');
      return work(tx, access);
    },
  });
}
