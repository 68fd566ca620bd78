// The link in a "please confirm your listing" email. The token is the tenant and an HMAC of the
// tenant, the listing and the time the listing was last confirmed, so it confirms that one listing
// only, and stops working as soon as the listing is confirmed (or changed through moderation),
// because last_confirmed_at moves on. It authorises nothing else.
import crypto from 'node:crypto';

const TENANT = /^[a-z][a-z0-9-]{1,39}$/;

function key(secret: string): Buffer {
  // A key of its own, derived from the app's secret, so these links share nothing with cookies.
  return crypto.createHmac('sha256', secret).update('lantern: listing confirmation links').digest();
}

function mac(secret: string, tenantId: string, listingId: string, lastConfirmedAt: Date): Buffer {
  return crypto.createHmac('sha256', key(secret)).update(`${tenantId}\n${listingId}\n${lastConfirmedAt.toISOString()}`).digest();
}

export function confirmToken(secret: string, tenantId: string, listingId: string, lastConfirmedAt: Date): string {
  return `${tenantId}.${mac(secret, tenantId, listingId, lastConfirmedAt).toString('base64url')}`;
}

/** The tenant a token names, or null when it is not a token at all. */
export function tokenTenant(token: string): string | null {
  const [tenant, signature, extra] = token.split('.');
  if (extra !== undefined || !tenant || !signature || !TENANT.test(tenant) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return null;
  return tenant;
}

export function tokenMatches(secret: string, token: string, tenantId: string, listingId: string, lastConfirmedAt: Date): boolean {
  if (tokenTenant(token) !== tenantId) return false;
  const given = Buffer.from(token.split('.')[1]!, 'base64url');
  const expected = mac(secret, tenantId, listingId, lastConfirmedAt);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

export function confirmPath(listingId: string, token: string): string {
  return `/manage/listings/${encodeURIComponent(listingId)}/confirm?token=${encodeURIComponent(token)}`;
}
