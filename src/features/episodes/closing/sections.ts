// The handover, discharge and coming-back sections other pages show, each one service call and
// one include:
//
//   episode page:  closing = await episodeClosingSection(ctx, episodeId)
//                  {% include "episodes/closing/views/_episode-section.njk" %}
//   person page:   comeBack = await personComeBackSection(ctx, personId)
//                  {% include "episodes/closing/views/_person-section.njk" %}
//   caseload:      handovers = await handoversToAcknowledge(ctx, { team })
//                  {% include "episodes/closing/views/_caseload-handovers.njk" %}
//
// Each checks access and writes its audit row itself.
import { londonDate } from '../../../domain/working-days.ts';
import { audit } from '../../../platform/audit.ts';
import type { StaffContext } from '../../../platform/context.ts';
import { getTenantSettings } from '../../../platform/tenant-settings.ts';
import { getPerson } from '../../people/service.ts';
import { actorRefusal, basisFor, comeBackStatus } from '../come-back.ts';
import { dischargeReasonText } from '../discharge.ts';
import { handoverRefusal, pendingHandover } from '../handover.ts';
import { episodeAccess, readPersonEpisodes, withEpisode } from '../with-episode.ts';

export { handoversToAcknowledge, type HandoverToAcknowledge } from '../handover.ts';

export interface EpisodeClosingSection {
  episodeId: string;
  personId: string;
  open: boolean;
  workerName: string | null;
  pendingHandover: { id: string; toName: string; sentAt: Date; forMe: boolean } | null;
  mayHandOver: boolean;
  mayDischarge: boolean;
  discharge: { date: string | null; reason: string; summary: string | null; byName: string | null } | null;
  previousEpisodeId: string | null;
}

/** Handover and discharge, for the episode page. The read is audited. */
export async function episodeClosingSection(ctx: StaffContext, episodeId: string): Promise<EpisodeClosingSection> {
  return withEpisode(ctx, episodeId, {
    action: 'handover.read', purpose: 'read',
    work: async (tx, { episode, basis }) => {
      const pending = await pendingHandover(tx, episode.tenantId, episode.id);
      await audit(tx, ctx, { action: 'handover.read', recordType: 'episode', recordId: episode.id, personId: episode.personId, basis, outcome: 'success', detail: { summary: true } });
      return {
        episodeId: episode.id,
        personId: episode.personId,
        open: episode.state === 'open',
        workerName: episode.workerName,
        pendingHandover: pending ? { id: pending.id, toName: pending.toName, sentAt: pending.sentAt, forMe: pending.toUserId === ctx.actor.userId } : null,
        mayHandOver: handoverRefusal(ctx.actor, episode, pending) === null,
        mayDischarge: episode.state === 'open' && 'basis' in episodeAccess(ctx.actor, episode, 'update'),
        discharge: episode.state === 'discharged'
          ? { date: episode.dischargeDate, reason: dischargeReasonText(episode), summary: episode.closingSummary, byName: episode.dischargedByName }
          : null,
        previousEpisodeId: episode.previousEpisodeId,
      };
    },
  });
}

export interface PersonComeBackSection {
  personId: string;
  /** 'eligible' | 'open' | 'never' | 'died' | 'period_over' */
  kind: string;
  until: string | null;
  organisationName: string | null;
  /** the actor may use the fast route now */
  mayBringBack: boolean;
}

/** Whether the person can come back by the fast route, for the person page. The read is audited. */
export async function personComeBackSection(ctx: StaffContext, personId: string, options: { today?: string } = {}): Promise<PersonComeBackSection> {
  const today = options.today ?? londonDate(new Date());
  const person = await getPerson(ctx, personId);
  return ctx.db.transaction(async (tx) => {
    const settings = await getTenantSettings(tx, person.tenantId);
    const status = comeBackStatus(await readPersonEpisodes(tx, person.tenantId, person.id), settings.comeBackMonths, today);
    await audit(tx, ctx, {
      action: 'come_back.read', recordType: 'person', recordId: person.id, personId: person.id, outcome: 'success',
      basis: await basisFor(tx, ctx, person), detail: { status: status.kind, summary: true },
    });
    const last = status.kind === 'eligible' || status.kind === 'period_over' || status.kind === 'died' ? status.last : null;
    return {
      personId: person.id,
      kind: status.kind,
      until: status.kind === 'eligible' || status.kind === 'period_over' ? status.until : null,
      organisationName: status.kind === 'open' ? status.episode.organisationName : (last?.organisationName ?? null),
      mayBringBack: status.kind === 'eligible' && actorRefusal(ctx.actor, last) === null,
    };
  });
}
