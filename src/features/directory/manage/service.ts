// Keeping listings true: provider staff edit their own organisation's listings; a change to a
// published listing waits for a tenant administrator (a directory_changes row holding the
// proposal and the listing as it was), who approves it (applied through saveListing) or rejects it
// with a reason. Providers confirm a listing is still right, signed in or from an emailed link.
// Anyone can report a problem with a published listing; administrators resolve reports.
//
// Access: a provider reaches only their organisation's listings (anything else is "not found");
// an administrator reaches every listing, change and report in their tenant and nothing in
// another; other roles are refused. Every staff change writes an audit row in its transaction.
import type { Config } from '../../../config.ts';
import type { Queryable, Transaction } from '../../../db/database.ts';
import { isDueForConfirmation, isOutOfDate } from '../../../domain/listing-freshness.ts';
import { audit } from '../../../platform/audit.ts';
import type { RequestContext, StaffContext } from '../../../platform/context.ts';
import { AppError, forbidden, invalid, notFound, type FieldError } from '../../../platform/errors.ts';
import { queueNotification } from '../../../platform/notifications.ts';
import type { Listing } from '../listing.ts';
import { getListing, saveListing } from '../store.ts';
import { applyEdit, compareEdits, detailRows, editOf, readEditForm, sameEdit, type ChangeRow, type DetailRow, type EditForm, type ListingEdit } from './edit.ts';
import { changeApprovedMessage, changeRejectedMessage } from './messages.ts';
import { tokenMatches, tokenTenant } from './tokens.ts';

/** Whose pages: a provider's own organisation's listings, or an administrator's whole tenant. */
export type Scope = 'provider' | 'admin';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Providers keep their listings under /manage; administrators moderate under /admin/directory. */
export function requireScope(ctx: StaffContext, scope: Scope): void {
  if (ctx.actor.role === scope) return;
  if (scope === 'admin') throw forbidden('Only administrators moderate the directory.');
  throw forbidden('Your role does not give you access to directory listings. Provider staff keep their own organisation’s listings here.');
}

/** Where a listing's staff page is, for links in emails. */
export function listingPath(scope: Scope, id: string): string {
  return `${scope === 'admin' ? '/admin/directory/listings' : '/manage/listings'}/${encodeURIComponent(id)}`;
}

/** "X months" in SQL: at least `months` whole months (UK calendar) from `column` to the clock. */
export function monthsOldSql(column: string, months: number, clock: string): string {
  return `(${column} AT TIME ZONE 'Europe/London') + interval '${Math.trunc(months)} months' <= (${clock} AT TIME ZONE 'Europe/London')`;
}

async function loadListing(tx: Queryable, ctx: StaffContext, scope: Scope, id: string, lock: boolean): Promise<Listing | null> {
  if (!id || id.length > 200) return null;
  if (lock) {
    const locked = await tx.query('SELECT 1 FROM directory_services WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [ctx.actor.tenantId, id]);
    if (locked.rows.length === 0) return null;
  }
  const listing = await getListing(tx, ctx.actor.tenantId, id);
  if (!listing) return null;
  if (scope === 'provider' && listing.organisationId !== ctx.actor.organisationId) return null;
  return listing;
}

// ---------------------------------------------------------------------------------------------
// Changes waiting for moderation

interface ChangeRecord {
  id: string;
  serviceId: string;
  proposed: ListingEdit;
  previous: ListingEdit & { version: number };
  proposedBy: string;
  proposedByName: string | null;
  proposedAt: Date;
  /** proposed_at to the microsecond: which version of a proposal a form was showing */
  revision: string;
  status: 'pending' | 'approved' | 'rejected';
  reviewedAt: Date | null;
  reviewNote: string | null;
  reviewerName: string | null;
}

type ChangeDbRow = {
  id: string; service_id: string; proposed: ListingEdit; previous: ListingEdit & { version: number }; proposed_by: string;
  proposed_by_name: string | null; proposed_at: Date; revision: string; status: ChangeRecord['status']; reviewed_at: Date | null;
  review_note: string | null; reviewer_name: string | null;
};

const CHANGE_SELECT = `
  SELECT c.id, c.service_id, c.proposed, c.previous, c.proposed_by, p.name AS proposed_by_name, c.proposed_at,
         c.proposed_at::text AS revision, c.status, c.reviewed_at, c.review_note, r.name AS reviewer_name
    FROM directory_changes c
    LEFT JOIN staff_users p ON p.id = c.proposed_by
    LEFT JOIN staff_users r ON r.id = c.reviewed_by`;

const toChange = (r: ChangeDbRow): ChangeRecord => ({
  id: r.id, serviceId: r.service_id, proposed: r.proposed, previous: r.previous, proposedBy: r.proposed_by,
  proposedByName: r.proposed_by_name, proposedAt: r.proposed_at, revision: r.revision, status: r.status,
  reviewedAt: r.reviewed_at, reviewNote: r.review_note, reviewerName: r.reviewer_name,
});

async function pendingChangeOf(tx: Queryable, tenantId: string, serviceId: string, lock: boolean): Promise<ChangeRecord | null> {
  const { rows } = await tx.query<ChangeDbRow>(
    `${CHANGE_SELECT} WHERE c.tenant_id = $1 AND c.service_id = $2 AND c.status = 'pending'
      ORDER BY c.proposed_at DESC LIMIT 1${lock ? ' FOR UPDATE OF c' : ''}`,
    [tenantId, serviceId],
  );
  return rows[0] ? toChange(rows[0]) : null;
}

// ---------------------------------------------------------------------------------------------
// Lists and pages

export interface ListingSummary {
  id: string;
  name: string;
  organisationName: string;
  published: boolean;
  status: string;
  lastConfirmedAt: Date;
  pending: boolean;
  outOfDate: boolean;
  dueForConfirmation: boolean;
}

export const LISTING_FILTERS = {
  all: 'All listings',
  pending: 'Changes waiting for approval',
  'out-of-date': 'Not confirmed for 12 months',
  due: 'Not confirmed for 6 months',
  unpublished: 'Not published',
} as const;
export type ListingFilter = keyof typeof LISTING_FILTERS;
export const LISTINGS_PAGE_SIZE = 50;

export async function listListings(
  ctx: StaffContext,
  scope: Scope,
  query: { text?: string; filter?: string; page?: number },
): Promise<{ listings: ListingSummary[]; total: number; page: number; pages: number; filter: ListingFilter; text: string }> {
  requireScope(ctx, scope);
  const params: unknown[] = [ctx.actor.tenantId];
  const where = ['s.tenant_id = $1'];
  if (scope === 'provider') {
    params.push(ctx.actor.organisationId);
    where.push(`s.organisation_id = $${params.length}`);
  }
  const text = (query.text ?? '').trim().slice(0, 100);
  if (text) {
    params.push(`%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(`(lower(s.name) LIKE $${params.length} OR lower(s.organisation_name) LIKE $${params.length})`);
  }
  const filter: ListingFilter = query.filter && query.filter in LISTING_FILTERS ? (query.filter as ListingFilter) : 'all';
  const pendingSql = `EXISTS (SELECT 1 FROM directory_changes c WHERE c.tenant_id = s.tenant_id AND c.service_id = s.id AND c.status = 'pending')`;
  if (filter === 'pending') where.push(pendingSql);
  if (filter === 'out-of-date') where.push(`s.published AND ${monthsOldSql('s.last_confirmed_at', 12, 'now()')}`);
  if (filter === 'due') where.push(`s.published AND ${monthsOldSql('s.last_confirmed_at', 6, 'now()')}`);
  if (filter === 'unpublished') where.push('NOT s.published');
  const count = await ctx.db.query<{ n: number }>(`SELECT count(*) AS n FROM directory_services s WHERE ${where.join(' AND ')}`, params);
  const total = Number(count.rows[0]?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / LISTINGS_PAGE_SIZE));
  const page = Math.max(1, Math.min(query.page || 1, pages));
  const { rows } = await ctx.db.query<{
    id: string; name: string; organisation_name: string; published: boolean; status: string; last_confirmed_at: Date; pending: boolean;
  }>(
    `SELECT s.id, s.name, s.organisation_name, s.published, s.status, s.last_confirmed_at, ${pendingSql} AS pending
       FROM directory_services s
      WHERE ${where.join(' AND ')}
      ORDER BY lower(s.name), s.id
      LIMIT ${LISTINGS_PAGE_SIZE} OFFSET ${(page - 1) * LISTINGS_PAGE_SIZE}`,
    params,
  );
  const now = new Date();
  return {
    listings: rows.map((r) => ({
      id: r.id, name: r.name, organisationName: r.organisation_name, published: r.published, status: r.status,
      lastConfirmedAt: r.last_confirmed_at, pending: r.pending,
      outOfDate: r.published && isOutOfDate(r.last_confirmed_at, now),
      dueForConfirmation: r.published && isDueForConfirmation(r.last_confirmed_at, now),
    })),
    total, page, pages, filter, text,
  };
}

export interface ListingPage {
  listing: Listing;
  details: DetailRow[];
  pending: { id: string; rows: ChangeRow[]; proposedAt: Date; proposedByName: string | null; stale: boolean } | null;
  /** the latest decision on this listing's changes, when it was a rejection and nothing newer waits */
  lastRejection: { reviewedAt: Date; note: string; reviewerName: string | null } | null;
  outOfDate: boolean;
  dueForConfirmation: boolean;
}

export async function getListingPage(ctx: StaffContext, scope: Scope, id: string): Promise<ListingPage> {
  requireScope(ctx, scope);
  const listing = await loadListing(ctx.db, ctx, scope, id, false);
  if (!listing) throw notFound('listing');
  const pending = await pendingChangeOf(ctx.db, ctx.actor.tenantId, listing.id, false);
  let lastRejection: ListingPage['lastRejection'] = null;
  if (!pending) {
    const { rows } = await ctx.db.query<ChangeDbRow>(
      `${CHANGE_SELECT} WHERE c.tenant_id = $1 AND c.service_id = $2 AND c.status <> 'pending' ORDER BY c.reviewed_at DESC NULLS LAST LIMIT 1`,
      [ctx.actor.tenantId, listing.id],
    );
    const last = rows[0] ? toChange(rows[0]) : null;
    if (last?.status === 'rejected' && last.reviewedAt) lastRejection = { reviewedAt: last.reviewedAt, note: last.reviewNote ?? '', reviewerName: last.reviewerName };
  }
  const now = new Date();
  return {
    listing,
    details: detailRows(editOf(listing)),
    pending: pending && {
      id: pending.id, rows: compareEdits(pending.previous, pending.proposed), proposedAt: pending.proposedAt,
      proposedByName: pending.proposedByName, stale: pending.previous.version !== listing.version,
    },
    lastRejection,
    outOfDate: listing.published && isOutOfDate(listing.lastConfirmedAt, now),
    dueForConfirmation: listing.published && isDueForConfirmation(listing.lastConfirmedAt, now),
  };
}

export interface EditStart {
  listing: Listing;
  /** what the form starts from: the provider's change waiting for approval, or the listing */
  from: ListingEdit;
  version: number;
  /** the waiting change's revision the form was built on ('' when none) */
  revision: string;
  pending: boolean;
}

export async function startEdit(ctx: StaffContext, scope: Scope, id: string): Promise<EditStart> {
  requireScope(ctx, scope);
  const listing = await loadListing(ctx.db, ctx, scope, id, false);
  if (!listing) throw notFound('listing');
  const pending = await pendingChangeOf(ctx.db, ctx.actor.tenantId, listing.id, false);
  // A provider carries on from their own waiting change; an administrator edits the listing itself.
  const fromPending = scope === 'provider' && listing.published && pending !== null;
  return {
    listing,
    from: fromPending ? pending.proposed : editOf(listing),
    version: listing.version,
    revision: pending?.revision ?? '',
    pending: pending !== null,
  };
}

export type SaveOutcome = 'proposed' | 'saved' | 'unchanged' | 'withdrawn';

/**
 * Saves the edit form. A provider's change to a published listing becomes (or replaces) the change
 * waiting for approval and the public listing stays as it is; a provider's change to a listing
 * that is not published yet, and an administrator's change, are saved at once. Refused as stale
 * when the listing (or the waiting change) moved on since the form was opened.
 */
export async function saveEdit(
  ctx: StaffContext,
  scope: Scope,
  id: string,
  form: EditForm,
  seen: { version: number; revision: string },
): Promise<SaveOutcome> {
  requireScope(ctx, scope);
  const result = await ctx.db.transaction(async (tx): Promise<SaveOutcome | { problems: FieldError[] } | 'stale' | 'missing'> => {
    const listing = await loadListing(tx, ctx, scope, id, true);
    if (!listing) return 'missing';
    const pending = await pendingChangeOf(tx, ctx.actor.tenantId, listing.id, true);
    const proposing = scope === 'provider' && listing.published;
    const base = proposing && pending ? pending.proposed : editOf(listing);
    const { edit, problems } = readEditForm(form, base);
    if (problems.length) return { problems };
    if (listing.version !== seen.version || (proposing && (pending?.revision ?? '') !== seen.revision)) return 'stale';
    const current = editOf(listing);
    const changed = compareEdits(current, edit).map((r) => r.key);

    if (proposing) {
      if (sameEdit(edit, current)) {
        if (!pending) return 'unchanged';
        await tx.query('DELETE FROM directory_changes WHERE tenant_id = $1 AND id = $2', [ctx.actor.tenantId, pending.id]);
        await audit(tx, ctx, { action: 'listing_change_withdrawn', recordType: 'directory_service', recordId: listing.id, outcome: 'success', basis: 'own organisation', detail: { changeId: pending.id } });
        return 'withdrawn';
      }
      if (pending && sameEdit(edit, pending.proposed)) return 'unchanged';
      const previous = JSON.stringify({ ...current, version: listing.version });
      let changeId: string;
      if (pending) {
        await tx.query(
          `UPDATE directory_changes SET proposed = $3, previous = $4, proposed_by = $5, proposed_at = clock_timestamp()
            WHERE tenant_id = $1 AND id = $2`,
          [ctx.actor.tenantId, pending.id, JSON.stringify(edit), previous, ctx.actor.userId],
        );
        changeId = pending.id;
      } else {
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO directory_changes (tenant_id, service_id, proposed, previous, proposed_by, proposed_at)
           VALUES ($1, $2, $3, $4, $5, clock_timestamp()) RETURNING id`,
          [ctx.actor.tenantId, listing.id, JSON.stringify(edit), previous, ctx.actor.userId],
        );
        changeId = rows[0]!.id;
      }
      await audit(tx, ctx, {
        action: 'listing_change_proposed', recordType: 'directory_service', recordId: listing.id, outcome: 'success',
        basis: 'own organisation', detail: { changeId, changed },
      });
      return 'proposed';
    }

    if (sameEdit(edit, current)) return 'unchanged';
    await saveListing(tx, applyEdit(listing, edit));
    // Provider staff who save their listing have just checked it.
    if (scope === 'provider') await markConfirmed(tx, ctx.actor.tenantId, listing.id);
    await audit(tx, ctx, {
      action: 'listing_edited', recordType: 'directory_service', recordId: listing.id, outcome: 'success',
      basis: scope === 'admin' ? 'tenant administrator' : 'own organisation, not yet published', detail: { changed, published: listing.published },
    });
    return 'saved';
  });
  if (result === 'missing') throw notFound('listing');
  if (result === 'stale') {
    throw new AppError({
      status: 409,
      code: 'stale',
      message: 'Someone else changed this listing while you were editing it.',
      fields: [{ field: 'name', message: 'Someone else changed this listing while you were editing it. What you typed is below but has not been saved. Check it, then save again.' }],
    });
  }
  if (typeof result === 'object') throw invalid(result.problems);
  return result;
}

async function markConfirmed(tx: Queryable, tenantId: string, id: string): Promise<void> {
  await tx.query(
    `UPDATE directory_services SET last_confirmed_at = now(), confirm_reminder_sent_at = NULL, stale_alert_sent_at = NULL
      WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id],
  );
}

/** "This listing is still right": confirmed now, by a signed-in provider (or administrator). */
export async function confirmStillRight(ctx: StaffContext, scope: Scope, id: string): Promise<void> {
  requireScope(ctx, scope);
  const found = await ctx.db.transaction(async (tx) => {
    const listing = await loadListing(tx, ctx, scope, id, true);
    if (!listing) return false;
    await markConfirmed(tx, ctx.actor.tenantId, listing.id);
    await audit(tx, ctx, {
      action: 'listing_confirmed', recordType: 'directory_service', recordId: listing.id, outcome: 'success',
      basis: scope === 'admin' ? 'tenant administrator' : 'own organisation',
    });
    return true;
  });
  if (!found) throw notFound('listing');
}

/** Publishes a listing (or takes it off the public directory). Administrators only. */
export async function setPublished(ctx: StaffContext, id: string, published: boolean): Promise<void> {
  requireScope(ctx, 'admin');
  const found = await ctx.db.transaction(async (tx) => {
    const listing = await loadListing(tx, ctx, 'admin', id, true);
    if (!listing) return false;
    if (listing.published === published) return true;
    await saveListing(tx, { ...applyEdit(listing, editOf(listing)), published });
    await audit(tx, ctx, { action: published ? 'listing_published' : 'listing_unpublished', recordType: 'directory_service', recordId: listing.id, outcome: 'success', basis: 'tenant administrator' });
    return true;
  });
  if (!found) throw notFound('listing');
}

// ---------------------------------------------------------------------------------------------
// The emailed confirmation link

const linkNoLongerWorks = () =>
  new AppError({
    status: 404,
    code: 'link_expired',
    message: 'This link no longer works. It may have been used already: each link confirms a listing once. Sign in to see your listings and confirm them there.',
  });

async function listingForToken(db: Queryable, config: Pick<Config, 'cookieSecret'>, id: string, token: string): Promise<Listing> {
  const tenantId = tokenTenant(token);
  if (!tenantId || !id || id.length > 200) throw linkNoLongerWorks();
  const listing = await getListing(db, tenantId, id);
  if (!listing || !tokenMatches(config.cookieSecret, token, tenantId, listing.id, listing.lastConfirmedAt)) throw linkNoLongerWorks();
  return listing;
}

/** What the confirmation link's page shows, when the link is good. */
export async function confirmLinkPage(db: Queryable, config: Pick<Config, 'cookieSecret'>, id: string, token: string): Promise<{ listing: Listing; details: DetailRow[] }> {
  const listing = await listingForToken(db, config, id, token);
  return { listing, details: detailRows(editOf(listing)) };
}

/** Confirms the listing the link is for. The link works once: confirming moves last_confirmed_at on. */
export async function confirmByLink(ctx: RequestContext, config: Pick<Config, 'cookieSecret'>, id: string, token: string): Promise<Listing> {
  return ctx.db.transaction(async (tx) => {
    const tenantId = tokenTenant(token);
    if (tenantId) await tx.query('SELECT 1 FROM directory_services WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, id.slice(0, 200)]);
    const listing = await listingForToken(tx, config, id, token);
    await markConfirmed(tx, listing.tenantId, listing.id);
    // The link is the authority here, whoever (if anyone) is signed in.
    await audit(tx, { actor: null, requestId: ctx.requestId }, {
      tenantId: listing.tenantId, action: 'listing_confirmed', recordType: 'directory_service', recordId: listing.id,
      outcome: 'success', basis: 'confirmation link from a reminder email',
    });
    return listing;
  });
}

// ---------------------------------------------------------------------------------------------
// Moderation

export interface ChangeView {
  id: string;
  listingId: string;
  listingName: string;
  organisationName: string;
  proposedByName: string | null;
  proposedAt: Date;
  revision: string;
  status: ChangeRecord['status'];
  rows: ChangeRow[];
  /** the listing changed after this proposal, so it cannot be approved */
  stale: boolean;
  reviewedAt: Date | null;
  reviewNote: string | null;
  reviewerName: string | null;
}

type ChangeWithListing = ChangeDbRow & { listing_name: string; organisation_name: string; listing_version: number };

const CHANGE_WITH_LISTING = `
  SELECT c.id, c.service_id, c.proposed, c.previous, c.proposed_by, p.name AS proposed_by_name, c.proposed_at,
         c.proposed_at::text AS revision, c.status, c.reviewed_at, c.review_note, r.name AS reviewer_name,
         s.name AS listing_name, s.organisation_name, s.version AS listing_version
    FROM directory_changes c
    JOIN directory_services s ON s.tenant_id = c.tenant_id AND s.id = c.service_id
    LEFT JOIN staff_users p ON p.id = c.proposed_by
    LEFT JOIN staff_users r ON r.id = c.reviewed_by`;

const toChangeView = (r: ChangeWithListing): ChangeView => ({
  id: r.id, listingId: r.service_id, listingName: r.listing_name, organisationName: r.organisation_name,
  proposedByName: r.proposed_by_name, proposedAt: r.proposed_at, revision: r.revision, status: r.status,
  rows: compareEdits(r.previous, r.proposed), stale: r.status === 'pending' && Number(r.previous.version) !== r.listing_version,
  reviewedAt: r.reviewed_at, reviewNote: r.review_note, reviewerName: r.reviewer_name,
});

/** Changes waiting for approval, oldest first. */
export async function listPendingChanges(ctx: StaffContext): Promise<ChangeView[]> {
  requireScope(ctx, 'admin');
  const { rows } = await ctx.db.query<ChangeWithListing>(
    `${CHANGE_WITH_LISTING} WHERE c.tenant_id = $1 AND c.status = 'pending' ORDER BY c.proposed_at, c.id LIMIT 100`,
    [ctx.actor.tenantId],
  );
  return rows.map(toChangeView);
}

export async function getChange(ctx: StaffContext, id: string): Promise<ChangeView> {
  requireScope(ctx, 'admin');
  if (!UUID.test(id)) throw notFound('change');
  const { rows } = await ctx.db.query<ChangeWithListing>(`${CHANGE_WITH_LISTING} WHERE c.tenant_id = $1 AND c.id = $2`, [ctx.actor.tenantId, id]);
  if (!rows[0]) throw notFound('change');
  return toChangeView(rows[0]);
}

export const STALE_APPROVAL =
  'This listing has changed since this change was proposed, so approving it would undo those later changes. Reject this change, saying why, and ask the provider to make it again on the listing as it is now.';
const REVISED = 'The provider changed this proposal after you opened it. Check the changes below again, then approve or reject it.';

function reviewRefused(field: string, message: string): AppError {
  return new AppError({ status: 409, code: 'stale', message, fields: [{ field, message }] });
}

async function lockPendingChange(tx: Transaction, ctx: StaffContext, id: string, field: string, revision: string): Promise<ChangeRecord | null> {
  if (!UUID.test(id)) return null;
  const { rows } = await tx.query<ChangeDbRow>(`${CHANGE_SELECT} WHERE c.tenant_id = $1 AND c.id = $2 FOR UPDATE OF c`, [ctx.actor.tenantId, id]);
  if (!rows[0]) return null;
  const change = toChange(rows[0]);
  if (change.status !== 'pending') throw new AppError({ status: 409, code: 'reviewed', message: `This change has already been ${change.status}.` });
  if (change.revision !== revision) throw reviewRefused(field, REVISED);
  return change;
}

async function proposer(tx: Queryable, tenantId: string, userId: string): Promise<{ name: string; email: string } | null> {
  const { rows } = await tx.query<{ name: string; email: string }>(
    'SELECT name, email FROM staff_users WHERE tenant_id = $1 AND id = $2 AND disabled_at IS NULL',
    [tenantId, userId],
  );
  return rows[0] ?? null;
}

/**
 * Approves a waiting change: applied to the listing through saveListing, the listing counts as
 * confirmed now, and the provider who proposed it is emailed. Refused when the listing changed
 * after the proposal (the change would undo that) or the proposal changed after the page was opened.
 */
export async function approveChange(ctx: StaffContext, config: Pick<Config, 'publicBaseUrl'>, id: string, revision: string): Promise<ChangeView> {
  requireScope(ctx, 'admin');
  const listingId = await ctx.db.transaction(async (tx) => {
    const change = await lockPendingChange(tx, ctx, id, 'approve', revision);
    if (!change) return null;
    const listing = await loadListing(tx, ctx, 'admin', change.serviceId, true);
    if (!listing) return null;
    if (listing.version !== Number(change.previous.version)) throw reviewRefused('approve', STALE_APPROVAL);
    await saveListing(tx, applyEdit(listing, change.proposed));
    await markConfirmed(tx, ctx.actor.tenantId, listing.id);
    await tx.query(
      `UPDATE directory_changes SET status = 'approved', reviewed_by = $3, reviewed_at = now() WHERE tenant_id = $1 AND id = $2`,
      [ctx.actor.tenantId, change.id, ctx.actor.userId],
    );
    const to = await proposer(tx, ctx.actor.tenantId, change.proposedBy);
    if (to) {
      const message = changeApprovedMessage({ staffName: to.name, listingName: change.proposed.name, listingUrl: `${config.publicBaseUrl}${listingPath('provider', listing.id)}` });
      await queueNotification(tx, { tenantId: ctx.actor.tenantId, channel: 'email', recipient: to.email, ...message, reference: `directory_change:${change.id}` });
    }
    await audit(tx, ctx, {
      action: 'listing_change_approved', recordType: 'directory_service', recordId: listing.id, outcome: 'success', basis: 'tenant administrator',
      detail: { changeId: change.id, changed: compareEdits(change.previous, change.proposed).map((r) => r.key) },
    });
    return listing.id;
  });
  if (!listingId) throw notFound('change');
  return getChange(ctx, id);
}

/** Rejects a waiting change with a reason, which is emailed to the provider who proposed it. */
export async function rejectChange(ctx: StaffContext, config: Pick<Config, 'publicBaseUrl'>, id: string, input: { reason: string; revision: string }): Promise<ChangeView> {
  requireScope(ctx, 'admin');
  const reason = input.reason.trim().replace(/\r\n/g, '\n');
  if (!reason) throw invalid([{ field: 'reason', message: 'Enter why you are not approving this change. The provider will see it' }]);
  if (reason.length > 1000) throw invalid([{ field: 'reason', message: 'The reason must be 1,000 characters or fewer' }]);
  const found = await ctx.db.transaction(async (tx) => {
    const change = await lockPendingChange(tx, ctx, id, 'reason', input.revision);
    if (!change) return false;
    await tx.query(
      `UPDATE directory_changes SET status = 'rejected', reviewed_by = $3, reviewed_at = now(), review_note = $4 WHERE tenant_id = $1 AND id = $2`,
      [ctx.actor.tenantId, change.id, ctx.actor.userId, reason],
    );
    const to = await proposer(tx, ctx.actor.tenantId, change.proposedBy);
    if (to) {
      const message = changeRejectedMessage({
        staffName: to.name, listingName: change.previous.name, reason,
        listingUrl: `${config.publicBaseUrl}${listingPath('provider', change.serviceId)}`,
      });
      await queueNotification(tx, { tenantId: ctx.actor.tenantId, channel: 'email', recipient: to.email, ...message, reference: `directory_change:${change.id}` });
    }
    await audit(tx, ctx, {
      action: 'listing_change_rejected', recordType: 'directory_service', recordId: change.serviceId, outcome: 'success',
      basis: 'tenant administrator', detail: { changeId: change.id },
    });
    return true;
  });
  if (!found) throw notFound('change');
  return getChange(ctx, id);
}

// ---------------------------------------------------------------------------------------------
// Reports of problems

/** A published listing in this tenant that a visitor may report, or 404. */
export async function reportableListing(db: Queryable, tenantId: string, id: string): Promise<{ id: string; name: string }> {
  if (!id || id.length > 200) throw notFound('service');
  const { rows } = await db.query<{ id: string; name: string }>(
    'SELECT id, name FROM directory_services WHERE tenant_id = $1 AND id = $2 AND published',
    [tenantId, id],
  );
  if (!rows[0]) throw notFound('service');
  return rows[0];
}

export const REPORT_MAX_LENGTH = 2000;

export function reportProblems(input: { message: string; email: string }): FieldError[] {
  const problems: FieldError[] = [];
  const message = input.message.trim();
  if (!message) problems.push({ field: 'message', message: 'Enter what is wrong with this page' });
  else if (message.length > REPORT_MAX_LENGTH) problems.push({ field: 'message', message: 'What is wrong must be 2,000 characters or fewer' });
  const email = input.email.trim();
  if (email && (!EMAIL.test(email) || email.length > 254)) problems.push({ field: 'email', message: 'Enter an email address in the correct format, like name@example.com' });
  return problems;
}

/** Anyone's report of a problem with a published listing; it waits for an administrator. */
export async function createReport(db: Queryable, tenantId: string, id: string, input: { message: string; email: string }): Promise<void> {
  const listing = await reportableListing(db, tenantId, id);
  const problems = reportProblems(input);
  if (problems.length) throw invalid(problems);
  await db.query(
    'INSERT INTO directory_reports (tenant_id, service_id, message, reporter_email) VALUES ($1, $2, $3, $4)',
    [tenantId, listing.id, input.message.trim().replace(/\r\n/g, '\n'), input.email.trim().toLowerCase() || null],
  );
}

export interface ReportView {
  id: string;
  listingId: string;
  listingName: string;
  organisationName: string;
  message: string;
  reporterEmail: string | null;
  createdAt: Date;
  status: 'open' | 'resolved';
  resolvedAt: Date | null;
  resolvedByName: string | null;
  resolutionNote: string | null;
}

type ReportDbRow = {
  id: string; service_id: string; listing_name: string; organisation_name: string; message: string; reporter_email: string | null;
  created_at: Date; status: ReportView['status']; resolved_at: Date | null; resolved_by_name: string | null; resolution_note: string | null;
};

const REPORT_SELECT = `
  SELECT r.id, r.service_id, s.name AS listing_name, s.organisation_name, r.message, r.reporter_email, r.created_at, r.status,
         r.resolved_at, u.name AS resolved_by_name, r.resolution_note
    FROM directory_reports r
    JOIN directory_services s ON s.tenant_id = r.tenant_id AND s.id = r.service_id
    LEFT JOIN staff_users u ON u.id = r.resolved_by`;

const toReport = (r: ReportDbRow): ReportView => ({
  id: r.id, listingId: r.service_id, listingName: r.listing_name, organisationName: r.organisation_name, message: r.message,
  reporterEmail: r.reporter_email, createdAt: r.created_at, status: r.status, resolvedAt: r.resolved_at,
  resolvedByName: r.resolved_by_name, resolutionNote: r.resolution_note,
});

/** Open reports oldest first, and the latest resolved ones. */
export async function listReports(ctx: StaffContext): Promise<{ open: ReportView[]; resolved: ReportView[] }> {
  requireScope(ctx, 'admin');
  const open = await ctx.db.query<ReportDbRow>(`${REPORT_SELECT} WHERE r.tenant_id = $1 AND r.status = 'open' ORDER BY r.created_at, r.id LIMIT 200`, [ctx.actor.tenantId]);
  const resolved = await ctx.db.query<ReportDbRow>(`${REPORT_SELECT} WHERE r.tenant_id = $1 AND r.status = 'resolved' ORDER BY r.resolved_at DESC, r.id LIMIT 20`, [ctx.actor.tenantId]);
  return { open: open.rows.map(toReport), resolved: resolved.rows.map(toReport) };
}

export async function getReport(ctx: StaffContext, id: string): Promise<ReportView> {
  requireScope(ctx, 'admin');
  if (!UUID.test(id)) throw notFound('report');
  const { rows } = await ctx.db.query<ReportDbRow>(`${REPORT_SELECT} WHERE r.tenant_id = $1 AND r.id = $2`, [ctx.actor.tenantId, id]);
  if (!rows[0]) throw notFound('report');
  return toReport(rows[0]);
}

export async function resolveReport(ctx: StaffContext, id: string, note: string): Promise<void> {
  requireScope(ctx, 'admin');
  const text = note.trim().replace(/\r\n/g, '\n');
  if (!text) throw invalid([{ field: 'note', message: 'Enter what was done about this report, like "Phone number corrected"' }]);
  if (text.length > 1000) throw invalid([{ field: 'note', message: 'The note must be 1,000 characters or fewer' }]);
  if (!UUID.test(id)) throw notFound('report');
  const outcome = await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ status: string; service_id: string }>(
      'SELECT status, service_id FROM directory_reports WHERE tenant_id = $1 AND id = $2 FOR UPDATE',
      [ctx.actor.tenantId, id],
    );
    const report = rows[0];
    if (!report) return 'missing';
    if (report.status !== 'open') return 'resolved';
    await tx.query(
      `UPDATE directory_reports SET status = 'resolved', resolved_by = $3, resolved_at = now(), resolution_note = $4 WHERE tenant_id = $1 AND id = $2`,
      [ctx.actor.tenantId, id, ctx.actor.userId, text],
    );
    await audit(tx, ctx, {
      action: 'directory_report_resolved', recordType: 'directory_service', recordId: report.service_id, outcome: 'success',
      basis: 'tenant administrator', detail: { reportId: id },
    });
    return 'done';
  });
  if (outcome === 'missing') throw notFound('report');
  if (outcome === 'resolved') throw new AppError({ status: 409, code: 'reviewed', message: 'This report has already been resolved.' });
}

// ---------------------------------------------------------------------------------------------
// The administrator's overview

export async function directoryOverview(ctx: StaffContext): Promise<{ pendingChanges: number; openReports: number; outOfDate: number; due: number; unpublished: number }> {
  requireScope(ctx, 'admin');
  const { rows } = await ctx.db.query<{ pending: number; reports: number; out_of_date: number; due: number; unpublished: number }>(
    `SELECT
       (SELECT count(*) FROM directory_changes WHERE tenant_id = $1 AND status = 'pending') AS pending,
       (SELECT count(*) FROM directory_reports WHERE tenant_id = $1 AND status = 'open') AS reports,
       (SELECT count(*) FROM directory_services s WHERE tenant_id = $1 AND published AND ${monthsOldSql('s.last_confirmed_at', 12, 'now()')}) AS out_of_date,
       (SELECT count(*) FROM directory_services s WHERE tenant_id = $1 AND published AND ${monthsOldSql('s.last_confirmed_at', 6, 'now()')}) AS due,
       (SELECT count(*) FROM directory_services WHERE tenant_id = $1 AND NOT published) AS unpublished`,
    [ctx.actor.tenantId],
  );
  const r = rows[0]!;
  return { pendingChanges: Number(r.pending), openReports: Number(r.reports), outOfDate: Number(r.out_of_date), due: Number(r.due), unpublished: Number(r.unpublished) };
}
