// A referral's own page for staff: what was sent, where it is now, its deadline, its history, and
// the things the signed-in person may do with it next. The forms behind those actions live with
// the work they belong to (triage/, waiting/).
import type { FastifyPluginAsync } from 'fastify';
import { allowedActions, STATE_LABELS, UNABLE_REASONS, type ReferralAction } from '../../domain/referral-states.ts';
import { describeDeadline, describeWait } from '../../domain/working-days.ts';
import { describeAllowedMethods } from '../../domain/contact-preferences.ts';
import { queryParams } from '../../platform/forms.ts';
import { requireStaff, staffContext } from '../../platform/guards.ts';
import { requireRole } from '../../platform/access.ts';
import type { StaffActor } from '../../platform/context.ts';
import { NEEDS_TERMS } from '../../seed/taxonomy.ts';
import { CHANNEL_NAMES, MENTAL_HEALTH_NEED_NAMES, SOURCE_NAMES, URGENCY_NAMES, type Referral } from './model.ts';
import * as referrals from './service.ts';

/** What the page says after an action's form sent the worker back here with ?done=<code>. */
export const FLASH: Record<string, string> = {
  triaged: 'Triage decision saved. The referral is on the waiting list.',
  matched: 'Person record decision saved',
  redirected: 'Referral redirected. The original date went with it.',
  signposted: 'Referral closed: the person was pointed to a service outside Lantern.',
  allocated: 'Responsible worker saved',
  contact: 'Contact attempt recorded',
  'signed-up': 'Signed up. Their support episode is open.',
  unable: 'Referral closed as unable to sign up',
  reopened: 'Referral reopened',
  returned: 'Referral returned to the single point of access',
  withdrawn: 'Referral withdrawn',
  urgency: 'Urgency changed. The deadline has been worked out again.',
  received: 'Referral saved. Its reference is shown below.',
};

const NEED_NAMES = new Map(NEEDS_TERMS.map((t) => [t.id, t.name]));

/** The needs a referral names, as words. */
export function needNames(ids: readonly string[]): string[] {
  return ids.map((id) => NEED_NAMES.get(id) ?? id);
}

/** The next steps the actor may take with the referral, as links to their forms. */
export function referralActions(actor: StaffActor, referral: Referral): { href: string; text: string }[] {
  const base = `/referrals/${referral.id}`;
  const allowed = new Set<ReferralAction>(allowedActions(referral.state, { routed: referral.routedOrganisationId !== null, fastTrack: referral.fastTrack }));
  const spa = actor.role === 'triage' || actor.role === 'admin';
  const open = referral.state === 'received' || referral.state === 'waiting';
  // Someone who may only read it (a navigator who entered it before it was routed) gets no actions.
  if (!spa && referral.routedOrganisationId !== actor.organisationId) return [];
  const links: { href: string; text: string }[] = [];
  if (spa && referral.matchStatus === 'needs_review') links.push({ href: `${base}/match`, text: 'Check whether we already know this person' });
  if (spa && allowed.has('route')) links.push({ href: `${base}/triage`, text: 'Triage this referral' });
  if (open) links.push({ href: `${base}/contact-attempts/new`, text: 'Record an attempt to contact' });
  if (allowed.has('sign_up')) links.push({ href: `${base}/sign-up`, text: 'Sign up for support' });
  if (open) links.push({ href: `${base}/allocate`, text: referral.responsibleUserId ? 'Give to another worker' : 'Allocate a responsible worker' });
  if (referral.state === 'waiting') links.push({ href: `${base}/urgency`, text: 'Change the urgency' });
  if (allowed.has('redirect')) links.push({ href: `${base}/redirect`, text: 'Redirect to a better-fitting service' });
  if (allowed.has('unable_to_sign_up')) links.push({ href: `${base}/unable`, text: 'Close as unable to sign up' });
  if (allowed.has('return_to_triage')) links.push({ href: `${base}/return-to-triage`, text: 'Return to the single point of access' });
  if (spa && allowed.has('withdraw')) links.push({ href: `${base}/withdraw`, text: 'Withdraw (a duplicate, or entered in error)' });
  if (allowed.has('reopen')) links.push({ href: `${base}/reopen`, text: 'Reopen this referral' });
  return links;
}

export const referralRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', requireStaff);

  app.get<{ Params: { id: string } }>('/referrals/:id', async (request, reply) => {
    const ctx = staffContext(request);
    requireRole(ctx.actor, ['admin', 'triage', 'navigator', 'provider']);
    const { referral, events } = await referrals.getReferral(ctx, request.params.id);
    const now = new Date();
    const open = referral.state === 'received' || referral.state === 'waiting';
    return reply.render('referrals/views/referral.njk', {
      title: `Referral ${referral.reference}`,
      referral,
      events,
      stateLabel: STATE_LABELS[referral.state],
      stateLabels: STATE_LABELS,
      sourceName: SOURCE_NAMES[referral.source],
      channelName: CHANNEL_NAMES[referral.channel],
      urgencyName: URGENCY_NAMES[referral.urgency],
      mentalHealthNeedName: referral.mentalHealthNeed ? MENTAL_HEALTH_NEED_NAMES[referral.mentalHealthNeed] : null,
      closeReasonName: referral.closeReason ? (UNABLE_REASONS as Record<string, string>)[referral.closeReason] ?? referral.closeReason : null,
      needs: needNames(referral.needs),
      contactMethods: describeAllowedMethods(referral.contactPreferences),
      waited: describeWait(referral.originalReceivedAt, now),
      deadline: open && !referral.firstReachedAt ? describeDeadline(referral.dueAt, now) : null,
      actions: referralActions(ctx.actor, referral),
      flash: FLASH[queryParams(request).done ?? ''],
    });
  });
};
