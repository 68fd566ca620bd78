// The person's and carer's own pages (/my), reached through a secure link.
//
// - Links: staff with a relationship to the person make one for the person, or for a carer the
//   person shares with. It goes by email or text through the outbox only when the recipient said
//   that way is safe, or is shown once to give in person. Only the token's SHA-256 is stored; a
//   link expires after 7 days and works once.
// - Using a link starts a portal session: its own cookie and table, never a staff session, ending
//   30 minutes after the last request, 12 hours after it started, or at sign-out. Attempts are
//   limited by address, and a wrong, used or expired link gets the same answer.
// - Every request decides access again: a carer's consent is read from the database each time
//   (withPortal), so a withdrawal counts from the very next request. Every view is audited with
//   the person or carer named as the actor.
import crypto from 'node:crypto';
import type { Database, Queryable, Transaction } from '../../db/database.ts';
import { allows, normaliseScope, type ConsentScope, type ScopeChange } from '../../domain/carer-consent.ts';
import { mayMessage, type ContactPreferences } from '../../domain/contact-preferences.ts';
import { audit } from '../../platform/audit.ts';
import type { PortalActor, PortalContext, RequestContext, StaffContext } from '../../platform/context.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import { queueNotification, redactRecipient } from '../../platform/notifications.ts';
import { hashToken } from '../../platform/sessions.ts';
import { getTenantSettings } from '../../platform/tenant-settings.ts';
import * as carers from '../carers/service.ts';
import { withPerson, type PersonHeading } from '../carers/access.ts';
import { readCrisisPlan, type CrisisPlan } from '../carers/crisis-plan.ts';
import { ownRecord, personNames, setContactPreferences, type OwnRecord } from '../people/service.ts';
import { portalLinkMessage } from './messages.ts';
import { sharedPlanFor, type SharedPlan } from './plan.ts';
import { refusable } from '../../platform/refusable.ts';

export const PORTAL_COOKIE = 'lantern_portal';
/** The cookie is sent only to the portal's own pages. */
export const PORTAL_COOKIE_PATH = '/my';
export const LINK_VALID_DAYS = 7;
export const SESSION_IDLE_MINUTES = 30;
export const SESSION_ABSOLUTE_HOURS = 12;
// Writing last_seen_at on every request would turn every page view into a write.
const TOUCH_AFTER_SECONDS = 60;
/** Failed attempts to use a link from one address, within the window, before it must wait. */
export const ATTEMPT_LIMIT = 10;
export const ATTEMPT_WINDOW_MINUTES = 15;

/** A link's token: 32 random bytes, base64url. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const newToken = () => crypto.randomBytes(32).toString('base64url');

export const portalPath = (token: string) => `/my/open?token=${encodeURIComponent(token)}`;

// ---------------------------------------------------------------------------------------------
// Staff: making, listing and cancelling links

export type LinkDelivery = 'email' | 'sms' | 'in_person';

export interface Recipient {
  /** 'person', or the carer link's id */
  key: string;
  kind: 'person' | 'carer';
  name: string;
  relationship: string | null;
  scope: ConsentScope[];
  /** the ways this link may go, and why the others may not */
  email: { allowed: boolean; reason: string };
  sms: { allowed: boolean; reason: string };
}

export interface LinkRecord {
  id: string;
  recipientName: string;
  forCarer: boolean;
  delivery: LinkDelivery;
  createdAt: Date;
  createdByName: string | null;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
  state: 'waiting' | 'used' | 'expired' | 'cancelled';
}

const MOBILE = /^(?:\+447|07)\d{9}$/;

function ways(contact: { phone: string | null; email: string | null; preferences: ContactPreferences }, who: string): Pick<Recipient, 'email' | 'sms'> {
  const mobile = contact.phone && MOBILE.test(contact.phone.replace(/[\s()-]/g, '')) ? contact.phone : null;
  return {
    email: !contact.email
      ? { allowed: false, reason: `We do not have an email address for ${who}` }
      : !mayMessage(contact.preferences, 'email')
        ? { allowed: false, reason: `${who} has not said email is a safe way to contact them` }
        : { allowed: true, reason: '' },
    sms: !mobile
      ? { allowed: false, reason: `We do not have a mobile number for ${who}` }
      : !mayMessage(contact.preferences, 'sms')
        ? { allowed: false, reason: `${who} has not said texts are a safe way to contact them` }
        : { allowed: true, reason: '' },
  };
}

interface RecipientContact {
  recipient: Recipient;
  email: string | null;
  phone: string | null;
  carerLinkId: string | null;
}

async function recipientsFor(tx: Queryable, tenantId: string, person: PersonHeading): Promise<RecipientContact[]> {
  const own = (await ownRecord(tx, tenantId, person.id))!;
  const list: RecipientContact[] = [{
    recipient: {
      key: 'person', kind: 'person', name: `${person.givenName} ${person.familyName}`, relationship: null, scope: [],
      ...ways({ phone: own.phone, email: own.email, preferences: own.contactPreferences }, person.givenName),
    },
    email: own.email, phone: own.phone, carerLinkId: null,
  }];
  for (const link of await carers.readLinksForPerson(tx, tenantId, person.id)) {
    // A carer gets a link only while the person shares something with them.
    if (link.scope.length === 0) continue;
    const carer = (await carers.readCarer(tx, tenantId, link.carerId))!;
    list.push({
      recipient: {
        key: link.id, kind: 'carer', name: `${carer.givenName} ${carer.familyName}`, relationship: link.relationship, scope: link.scope,
        ...ways({ phone: carer.phone, email: carer.email, preferences: carer.contactPreferences }, carer.givenName),
      },
      email: carer.email, phone: carer.phone, carerLinkId: link.id,
    });
  }
  return list;
}

async function readLinkRecords(tx: Queryable, tenantId: string, personId: string): Promise<LinkRecord[]> {
  const { rows } = await tx.query<{
    id: string; carer_link_id: string | null; carer_name: string | null; delivery: LinkDelivery; created_at: Date; created_by_name: string | null;
    expires_at: Date; used_at: Date | null; revoked_at: Date | null; expired: boolean;
  }>(
    `SELECT pl.id, pl.carer_link_id, c.given_name || ' ' || c.family_name AS carer_name, pl.delivery, pl.created_at, u.name AS created_by_name,
            pl.expires_at, pl.used_at, pl.revoked_at, pl.expires_at <= now() AS expired
       FROM portal_links pl
       LEFT JOIN carer_links l ON l.tenant_id = pl.tenant_id AND l.id = pl.carer_link_id
       LEFT JOIN carers c ON c.tenant_id = l.tenant_id AND c.id = l.carer_id
       LEFT JOIN staff_users u ON u.tenant_id = pl.tenant_id AND u.id = pl.created_by
      WHERE pl.tenant_id = $1 AND pl.person_id = $2
      ORDER BY pl.created_at DESC
      LIMIT 20`,
    [tenantId, personId],
  );
  const names = await personNames(tx, tenantId, [personId]);
  const person = names.get(personId);
  return rows.map((r) => ({
    id: r.id, recipientName: r.carer_name ?? (person ? `${person.givenName} ${person.familyName}` : ''), forCarer: r.carer_link_id !== null,
    delivery: r.delivery, createdAt: r.created_at, createdByName: r.created_by_name, expiresAt: r.expires_at, usedAt: r.used_at, revokedAt: r.revoked_at,
    state: r.revoked_at ? 'cancelled' : r.used_at ? 'used' : r.expired ? 'expired' : 'waiting',
  }));
}

/** Who a link can be made for (the person, and carers the person shares with), how it may go, and the links made lately. Audited. */
export async function secureLinkChoices(ctx: StaffContext, personId: string): Promise<{ person: PersonHeading; recipients: Recipient[]; links: LinkRecord[] }> {
  return withPerson(ctx, personId, 'read', { action: 'portal_link.list', recordType: 'portal_link' }, async (tx, { person, basis }) => {
    const recipients = (await recipientsFor(tx, ctx.actor.tenantId, person)).map((r) => r.recipient);
    const links = await readLinkRecords(tx, ctx.actor.tenantId, personId);
    await audit(tx, ctx, { action: 'portal_link.list', recordType: 'portal_link', recordId: personId, personId, basis, outcome: 'success' });
    return { person, recipients, links };
  });
}

export interface CreatedLink {
  delivery: LinkDelivery;
  recipientName: string;
  expiresAt: Date;
  /** for 'in_person' only: the link to give, shown once and never again */
  url: string | null;
  /** for a sent link: where it went, partly hidden */
  sentTo: string | null;
}

/**
 * Makes a secure link for the person (`for` = 'person') or a carer they share with (`for` = the
 * carer link's id), and sends it the way chosen if the recipient said that way is safe.
 */
export async function createSecureLink(
  ctx: StaffContext,
  personId: string,
  choice: { for: string; delivery: string },
  options: { baseUrl: string; now?: Date },
): Promise<CreatedLink> {
  return withPerson(ctx, personId, 'update', { action: 'portal_link.create', recordType: 'portal_link' }, async (tx, { person, basis }) => {
    const tenantId = ctx.actor.tenantId;
    const all = await recipientsFor(tx, tenantId, person);
    const target = all.find((r) => r.recipient.key === choice.for);
    const problems = [];
    if (!target) problems.push({ field: 'for', message: 'Select who the link is for' });
    const delivery = (['email', 'sms', 'in_person'] as const).find((d) => d === choice.delivery);
    if (!delivery) problems.push({ field: 'delivery', message: 'Select how to give them the link' });
    if (target && delivery && delivery !== 'in_person' && !target.recipient[delivery].allowed) {
      problems.push({ field: 'delivery', message: `${target.recipient[delivery].reason}. Choose another way, or give them the link in person` });
    }
    if (problems.length || !target || !delivery) throw invalid(problems);

    const token = newToken();
    const now = options.now ?? new Date();
    const expiresAt = new Date(now.getTime() + LINK_VALID_DAYS * 86_400_000);
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO portal_links (token_hash, tenant_id, person_id, carer_link_id, delivery, created_by, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [hashToken(token), tenantId, personId, target.carerLinkId, delivery, ctx.actor.userId, now, expiresAt],
    );
    const linkId = rows[0]!.id;
    const url = `${options.baseUrl}${portalPath(token)}`;
    let sentTo: string | null = null;
    if (delivery !== 'in_person') {
      const recipient = delivery === 'email' ? target.email! : target.phone!;
      const settings = await getTenantSettings(tx, tenantId);
      const message = portalLinkMessage({ serviceName: settings.serviceName, url, expiresAt, forCarer: target.recipient.kind === 'carer' });
      await queueNotification(tx, { tenantId, channel: delivery, recipient, ...message, reference: `portal-link:${linkId}`, forgetAfterSend: true });
      sentTo = redactRecipient(delivery, recipient);
    }
    await audit(tx, ctx, {
      action: 'portal_link.create', recordType: 'portal_link', recordId: linkId, personId, basis, outcome: 'success',
      detail: { for: target.recipient.kind, carerLinkId: target.carerLinkId, delivery },
    });
    return { delivery, recipientName: target.recipient.name, expiresAt, url: delivery === 'in_person' ? url : null, sentTo };
  });
}

/** Cancels a link that has not been used yet, and ends any session started with it. */
export async function revokeSecureLink(ctx: StaffContext, personId: string, linkId: string): Promise<void> {
  await withPerson(ctx, personId, 'update', { action: 'portal_link.revoke', recordType: 'portal_link', recordId: linkId }, async (tx, { basis }) => {
    if (!carers.isId(linkId)) throw notFound('link');
    const { rowCount } = await tx.query(
      `UPDATE portal_links SET revoked_at = now(), revoked_by = $4
        WHERE tenant_id = $1 AND person_id = $2 AND id = $3 AND revoked_at IS NULL`,
      [ctx.actor.tenantId, personId, linkId, ctx.actor.userId],
    );
    if (rowCount === 0) throw notFound('link');
    const ended = await tx.query('DELETE FROM portal_sessions WHERE tenant_id = $1 AND link_id = $2', [ctx.actor.tenantId, linkId]);
    await audit(tx, ctx, { action: 'portal_link.revoke', recordType: 'portal_link', recordId: linkId, personId, basis, outcome: 'success', detail: { sessionsEnded: ended.rowCount } });
  });
}

// ---------------------------------------------------------------------------------------------
// Using a link, and portal sessions

export type Redemption =
  | { kind: 'started'; sessionToken: string; actor: PortalActor }
  /** wrong, used, cancelled or expired: all answered alike */
  | { kind: 'refused' }
  | { kind: 'throttled' }
  /** a carer's link, but the person no longer shares anything with them */
  | { kind: 'no_access' };

async function failedAttempts(tx: Queryable, ip: string): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    `SELECT count(*) AS n FROM portal_link_attempts WHERE ip = $1 AND NOT succeeded AND at > now() - make_interval(mins => $2)`,
    [ip, ATTEMPT_WINDOW_MINUTES],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Uses a link: once, before it expires. Starts a portal session (the caller sets the cookie) and
 * ends the session the request came with, if any. A link that is wrong, used, cancelled or expired
 * is refused the same way, and counts against the address.
 */
export async function redeemLink(ctx: RequestContext, token: string, previousSession: string | undefined): Promise<Redemption> {
  return ctx.db.transaction(async (tx): Promise<Redemption> => {
    if ((await failedAttempts(tx, ctx.ip)) >= ATTEMPT_LIMIT) {
      await audit(tx, ctx, { action: 'portal.sign_in', recordType: 'portal_link', outcome: 'denied', basis: 'too many failed attempts from this address' });
      return { kind: 'throttled' };
    }
    const { rows } = TOKEN.test(token)
      ? await tx.query<{ id: string; tenant_id: string; person_id: string; carer_link_id: string | null; used: boolean; revoked: boolean; expired: boolean }>(
          `SELECT id, tenant_id, person_id, carer_link_id, used_at IS NOT NULL AS used, revoked_at IS NOT NULL AS revoked, expires_at <= now() AS expired
             FROM portal_links WHERE token_hash = $1 FOR UPDATE`,
          [hashToken(token)],
        )
      : { rows: [] };
    const link = rows[0];
    const fault = !link ? 'unknown' : link.revoked ? 'cancelled' : link.used ? 'used' : link.expired ? 'expired' : null;
    if (!link || fault) {
      await tx.query('INSERT INTO portal_link_attempts (ip, succeeded) VALUES ($1, false)', [ctx.ip]);
      await audit(tx, ctx, {
        action: 'portal.sign_in', recordType: 'portal_link', recordId: link?.id, personId: link?.person_id ?? null, tenantId: link?.tenant_id ?? null,
        outcome: 'denied', basis: `link ${fault}`,
      });
      return { kind: 'refused' };
    }
    await tx.query('UPDATE portal_links SET used_at = now() WHERE token_hash = $1', [hashToken(token)]);
    await tx.query('INSERT INTO portal_link_attempts (ip, succeeded) VALUES ($1, true)', [ctx.ip]);
    if (previousSession) await tx.query('DELETE FROM portal_sessions WHERE token_hash = $1', [hashToken(previousSession)]);

    let carerId: string | null = null;
    if (link.carer_link_id) {
      const consent = await carers.carerConsentNow(tx, link.tenant_id, link.carer_link_id);
      if (!consent || consent.scope.length === 0) {
        const asCarer = { ...ctx, portal: { kind: 'carer' as const, tenantId: link.tenant_id, personId: link.person_id, carerId: consent?.carerId ?? null, carerLinkId: link.carer_link_id, sessionHash: '' } };
        await audit(tx, asCarer, { action: 'portal.sign_in', recordType: 'portal_link', recordId: link.id, personId: link.person_id, outcome: 'denied', basis: 'consent withdrawn' });
        return { kind: 'no_access' };
      }
      carerId = consent.carerId;
    }
    const sessionToken = newToken();
    const sessionHash = hashToken(sessionToken);
    await tx.query(
      `INSERT INTO portal_sessions (token_hash, tenant_id, person_id, carer_link_id, link_id, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(hours => $6))`,
      [sessionHash, link.tenant_id, link.person_id, link.carer_link_id, link.id, SESSION_ABSOLUTE_HOURS],
    );
    const actor: PortalActor = {
      kind: link.carer_link_id ? 'carer' : 'person', tenantId: link.tenant_id, personId: link.person_id,
      carerId, carerLinkId: link.carer_link_id, sessionHash,
    };
    await audit(tx, { ...ctx, portal: actor }, {
      action: 'portal.sign_in', recordType: 'portal_link', recordId: link.id, personId: link.person_id, outcome: 'success',
      basis: actor.kind === 'person' ? 'own record' : 'carer consent',
    });
    return { kind: 'started', sessionToken, actor };
  });
}

/** The portal session a cookie names, if it is still current (and marked as used now). Never a staff session. */
export async function loadPortalSession(db: Queryable, token: string | undefined): Promise<PortalActor | null> {
  if (!token || !TOKEN.test(token)) return null;
  const sessionHash = hashToken(token);
  const { rows } = await db.query<{ tenant_id: string; person_id: string; carer_link_id: string | null; carer_id: string | null; stale: boolean }>(
    `SELECT s.tenant_id, s.person_id, s.carer_link_id, l.carer_id, s.last_seen_at < now() - make_interval(secs => $3) AS stale
       FROM portal_sessions s
       LEFT JOIN carer_links l ON l.tenant_id = s.tenant_id AND l.id = s.carer_link_id
      WHERE s.token_hash = $1 AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(mins => $2)`,
    [sessionHash, SESSION_IDLE_MINUTES, TOUCH_AFTER_SECONDS],
  );
  const r = rows[0];
  if (!r) return null;
  if (r.stale) await db.query('UPDATE portal_sessions SET last_seen_at = now() WHERE token_hash = $1', [sessionHash]);
  return {
    kind: r.carer_link_id ? 'carer' : 'person', tenantId: r.tenant_id, personId: r.person_id, carerId: r.carer_id, carerLinkId: r.carer_link_id, sessionHash,
  };
}

/** Ends the portal session (sign-out). */
export async function endPortalSession(ctx: RequestContext, token: string | undefined): Promise<void> {
  if (!token) return;
  await ctx.db.transaction(async (tx) => {
    const { rowCount } = await tx.query('DELETE FROM portal_sessions WHERE token_hash = $1', [hashToken(token)]);
    if (rowCount > 0 && ctx.portal) await audit(tx, ctx, { action: 'portal.sign_out', recordType: 'portal_session', personId: ctx.portal.personId, outcome: 'success' });
  });
}

/** Deletes ended sessions and old attempts. Safe to run often (a recurring schedule). */
export async function deleteExpiredPortalRecords(db: Database, _now: Date = new Date()): Promise<void> {
  await db.query(
    `DELETE FROM portal_sessions WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(mins => $1)`,
    [SESSION_IDLE_MINUTES],
  );
  await db.query(`DELETE FROM portal_link_attempts WHERE at < now() - interval '1 day'`);
}

// ---------------------------------------------------------------------------------------------
// Access on the portal's pages: decided again on every request

/** What the request needs: the person themselves, anyone the pages belong to, or a carer's consent for one thing. */
export type Need = 'person' | 'any' | ConsentScope;

export interface PortalAccess {
  kind: 'person' | 'carer';
  personId: string;
  personGivenName: string;
  carerId: string | null;
  carerLinkId: string | null;
  /** what a carer may have now (for the person: everything) */
  scope: ConsentScope[];
  basis: string;
}

/** A carer whose consent was withdrawn (or who never had any): shown a kind page and nothing else. */
export const noLongerShared = (): AppError =>
  new AppError({ status: 403, code: 'no_longer_shared', message: 'You no longer have access to these pages.' });

/** A carer asking for something the person does not share with them. */
export const notShared = (): AppError => new AppError({ status: 403, code: 'not_shared', message: 'This is not shared with you.' });

async function decideAccess(tx: Queryable, portal: PortalActor, need: Need): Promise<{ access: PortalAccess } | { refusal: AppError; basis: string }> {
  const names = await personNames(tx, portal.tenantId, [portal.personId]);
  const givenName = names.get(portal.personId)?.givenName ?? '';
  if (portal.kind === 'person') {
    return { access: { kind: 'person', personId: portal.personId, personGivenName: givenName, carerId: null, carerLinkId: null, scope: normaliseScope(['appointments', 'plan', 'crisis_plan']), basis: 'own record' } };
  }
  const consent = portal.carerLinkId ? await carers.carerConsentNow(tx, portal.tenantId, portal.carerLinkId) : null;
  if (!consent || consent.personId !== portal.personId || consent.scope.length === 0) return { refusal: noLongerShared(), basis: 'consent withdrawn' };
  if (need === 'person') return { refusal: notFound('page'), basis: 'the person’s own pages, not a carer’s' };
  if (need !== 'any' && !allows(consent.scope, need)) return { refusal: notShared(), basis: `not in consent: ${need}` };
  return {
    access: {
      kind: 'carer', personId: portal.personId, personGivenName: givenName, carerId: consent.carerId, carerLinkId: portal.carerLinkId,
      scope: consent.scope, basis: `carer consent: ${consent.scope.join(', ')}`,
    },
  };
}

/**
 * Decides access for this request (the carer's consent read now, in the same transaction as the
 * read it allows), audits a refusal, and runs `work`. A refusal is thrown after the audit row is
 * committed. An AppError thrown by `work` rolls back what it wrote and is audited as a failure.
 */
async function withPortal<T>(
  ctx: PortalContext,
  need: Need,
  attempt: { action: string; recordType: string; recordId?: string },
  work: (tx: Transaction, access: PortalAccess) => Promise<T>,
): Promise<T> {
  type Outcome = { kind: 'refused'; error: AppError } | { kind: 'done'; value: T };
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome> => {
    const decided = await decideAccess(tx, ctx.portal, need);
    if ('refusal' in decided) {
      await audit(tx, ctx, {
        action: attempt.action, recordType: attempt.recordType, recordId: attempt.recordId?.slice(0, 64), personId: ctx.portal.personId,
        outcome: 'denied', basis: decided.basis,
      });
      return { kind: 'refused', error: decided.refusal };
    }
    return refusable(tx, () => work(tx, decided.access), async (error) => {
      await audit(tx, ctx, {
        action: attempt.action, recordType: attempt.recordType, recordId: attempt.recordId, personId: ctx.portal.personId,
        basis: decided.access.basis, outcome: 'failure', detail: { code: error.code },
      });
    });
  });
  if (outcome.kind === 'refused') throw outcome.error;
  return outcome.value;
}

const staleOwnPage = (field: string): AppError =>
  new AppError({
    status: 409, code: 'stale', message: 'This changed while you had the page open.',
    fields: [{ field, message: 'This changed while you had the page open, so nothing was saved. Check what is shown now and try again.' }],
  });

// ---------------------------------------------------------------------------------------------
// The portal's pages

export interface PersonHome {
  kind: 'person';
  access: PortalAccess;
  own: OwnRecord;
  crisisPlan: Pick<CrisisPlan, 'reviewedOn'> | null;
  plan: Pick<SharedPlan, 'updatedAt'> | null;
  carers: carers.CarerLink[];
}

export interface CarerHome {
  kind: 'carer';
  access: PortalAccess;
  personGivenName: string;
  scope: ConsentScope[];
  carerGivenName: string;
}

/** The first page: for the person, what is there for them; for a carer, what the person shares with them now. Audited. */
export async function home(ctx: PortalContext): Promise<PersonHome | CarerHome> {
  return withPortal(ctx, 'any', { action: 'portal.home', recordType: 'portal' }, async (tx, access) => {
    const tenantId = ctx.portal.tenantId;
    await audit(tx, ctx, { action: 'portal.home', recordType: 'portal', personId: access.personId, basis: access.basis, outcome: 'success' });
    if (access.kind === 'carer') {
      const carer = (await carers.readCarer(tx, tenantId, access.carerId!))!;
      return { kind: 'carer', access, personGivenName: access.personGivenName, scope: access.scope, carerGivenName: carer.givenName };
    }
    const own = (await ownRecord(tx, tenantId, access.personId))!;
    const plan = await readCrisisPlan(tx, tenantId, access.personId);
    const shared = await sharedPlanFor(tx, tenantId, access.personId);
    return {
      kind: 'person', access, own, crisisPlan: plan ? { reviewedOn: plan.reviewedOn } : null, plan: shared ? { updatedAt: shared.updatedAt } : null,
      carers: await carers.readLinksForPerson(tx, tenantId, access.personId),
    };
  });
}

/** The crisis plan: the person's own, or for a carer while the person's consent includes it. Audited. */
export async function crisisPlan(ctx: PortalContext): Promise<{ plan: CrisisPlan | null; access: PortalAccess }> {
  return withPortal(ctx, 'crisis_plan', { action: 'crisis_plan.read', recordType: 'crisis_plan' }, async (tx, access) => {
    const plan = await readCrisisPlan(tx, ctx.portal.tenantId, access.personId);
    await audit(tx, ctx, { action: 'crisis_plan.read', recordType: 'crisis_plan', recordId: access.personId, personId: access.personId, basis: access.basis, outcome: 'success', detail: { exists: plan !== null } });
    return { plan, access };
  });
}

/** The support plan and goals: the person's own, or for a carer while consent includes it. Audited. */
export async function supportPlan(ctx: PortalContext): Promise<{ plan: SharedPlan | null; access: PortalAccess }> {
  return withPortal(ctx, 'plan', { action: 'support_plan.read', recordType: 'support_plan' }, async (tx, access) => {
    const plan = await sharedPlanFor(tx, ctx.portal.tenantId, access.personId);
    await audit(tx, ctx, { action: 'support_plan.read', recordType: 'support_plan', recordId: access.personId, personId: access.personId, basis: access.basis, outcome: 'success', detail: { exists: plan !== null } });
    return { plan, access };
  });
}

/** The person's carers and what each may see (the person only). Audited. */
export async function myCarers(ctx: PortalContext): Promise<{ access: PortalAccess; links: carers.CarerLink[] }> {
  return withPortal(ctx, 'person', { action: 'carer_link.list', recordType: 'carer_link' }, async (tx, access) => {
    const links = await carers.readLinksForPerson(tx, ctx.portal.tenantId, access.personId);
    await audit(tx, ctx, { action: 'carer_link.list', recordType: 'carer_link', recordId: access.personId, personId: access.personId, basis: access.basis, outcome: 'success', detail: { linkIds: links.map((l) => l.id) } });
    return { access, links };
  });
}

/** One of the person's carers, to narrow or withdraw what they may see (the person only; another person's carer is 404). Audited. */
export async function myCarer(ctx: PortalContext, linkId: string): Promise<{ access: PortalAccess; link: carers.CarerLink }> {
  return withPortal(ctx, 'person', { action: 'carer_link.read', recordType: 'carer_link', recordId: linkId }, async (tx, access) => {
    const link = await carers.readLinkForPerson(tx, ctx.portal.tenantId, access.personId, linkId);
    if (!link) throw notFound('page');
    await audit(tx, ctx, { action: 'carer_link.read', recordType: 'carer_link', recordId: link.id, personId: access.personId, basis: access.basis, outcome: 'success' });
    return { access, link };
  });
}

/** The person narrows or withdraws what a carer may see. Counts from the carer's very next request. */
export async function narrowMyCarer(ctx: PortalContext, linkId: string, scope: readonly string[], version: number): Promise<{ change: ScopeChange; link: carers.CarerLink }> {
  return withPortal(ctx, 'person', { action: 'carer_consent.change', recordType: 'carer_link', recordId: linkId }, async (tx, access) => {
    const result = await carers.narrowConsentByPerson(tx, ctx, {
      tenantId: ctx.portal.tenantId, personId: access.personId, linkId, scope: normaliseScope(scope), version,
    });
    if (result === 'stale') throw staleOwnPage('scope');
    const link = (await carers.readLinkForPerson(tx, ctx.portal.tenantId, access.personId, linkId))!;
    return { change: result, link };
  });
}

export interface MyPreferences {
  kind: 'person' | 'carer';
  access: PortalAccess;
  name: string;
  phone: string | null;
  email: string | null;
  preferences: ContactPreferences;
  version: number;
}

/** How the person (or the carer) wants to be contacted, to change it. Audited. */
export async function myPreferences(ctx: PortalContext): Promise<MyPreferences> {
  return withPortal(ctx, 'any', { action: 'contact_preferences.read', recordType: ctx.portal.kind === 'person' ? 'person' : 'carer' }, (tx, access) => readPreferences(tx, ctx, access));
}

async function readPreferences(tx: Queryable, ctx: PortalContext, access: PortalAccess): Promise<MyPreferences> {
  const tenantId = ctx.portal.tenantId;
  if (access.kind === 'person') {
    const own = (await ownRecord(tx, tenantId, access.personId))!;
    await audit(tx, ctx, { action: 'contact_preferences.read', recordType: 'person', recordId: access.personId, personId: access.personId, basis: access.basis, outcome: 'success' });
    return { kind: 'person', access, name: own.givenName, phone: own.phone, email: own.email, preferences: own.contactPreferences, version: own.version };
  }
  const carer = (await carers.readCarer(tx, tenantId, access.carerId!))!;
  await audit(tx, ctx, { action: 'contact_preferences.read', recordType: 'carer', recordId: carer.id, personId: access.personId, basis: access.basis, outcome: 'success' });
  return { kind: 'carer', access, name: carer.givenName, phone: carer.phone, email: carer.email, preferences: carer.contactPreferences, version: carer.version };
}

/** Changes how the person (through the people feature) or the carer wants to be contacted, as themselves. */
export async function setMyPreferences(ctx: PortalContext, preferences: ContactPreferences, version: number): Promise<void> {
  await withPortal(ctx, 'any', { action: 'contact_preferences.update', recordType: ctx.portal.kind === 'person' ? 'person' : 'carer' }, async (tx, access) => {
    const tenantId = ctx.portal.tenantId;
    const result = access.kind === 'person'
      ? await setContactPreferences(tx, ctx, { tenantId, personId: access.personId, preferences, version, basis: access.basis })
      : await carers.setCarerPreferencesByCarer(tx, ctx, { tenantId, carerId: access.carerId!, personId: access.personId, preferences, version });
    if (result === 'stale') throw staleOwnPage('contactMethods');
  });
}
