// The words of the emails that keep listings true. Each gives the `subject` and `body` a generic
// Notify email template shows, plus the values a template of its own could use.
import { formatDate } from '../../../platform/views.ts';

export interface Message {
  template: string;
  personalisation: Record<string, string>;
}

const message = (template: string, subject: string, body: string, values: Record<string, string>): Message => ({
  template,
  personalisation: { subject, body, ...values },
});

export function changeApprovedMessage(v: { staffName: string; listingName: string; listingUrl: string }): Message {
  return message(
    'listing-change-approved',
    `Your change to ${v.listingName} is now in the directory`,
    [
      `Dear ${v.staffName},`,
      `An administrator has checked and approved the change you made to ${v.listingName}. People searching the directory now see it.`,
      `See the listing: ${v.listingUrl}`,
    ].join('\n\n'),
    { staff_name: v.staffName, listing_name: v.listingName, listing_url: v.listingUrl },
  );
}

export function changeRejectedMessage(v: { staffName: string; listingName: string; listingUrl: string; reason: string }): Message {
  return message(
    'listing-change-rejected',
    `Your change to ${v.listingName} was not approved`,
    [
      `Dear ${v.staffName},`,
      `An administrator looked at the change you made to ${v.listingName} and did not approve it. The listing has not changed.`,
      `The reason they gave:\n${v.reason}`,
      `You can make the change again, or a different one: ${v.listingUrl}`,
    ].join('\n\n'),
    { staff_name: v.staffName, listing_name: v.listingName, listing_url: v.listingUrl, reason: v.reason },
  );
}

export function confirmReminderMessage(v: { staffName: string; listingName: string; lastConfirmedAt: Date; confirmUrl: string; listingUrl: string }): Message {
  const since = formatDate(v.lastConfirmedAt);
  return message(
    'listing-confirm-reminder',
    `Is ${v.listingName} still right?`,
    [
      `Dear ${v.staffName},`,
      `Nobody has checked the directory listing for ${v.listingName} since ${since}. People choose where to get help from it, so it needs to be right.`,
      `If everything in it is still right, confirm it with one click: ${v.confirmUrl}`,
      `If something has changed, sign in and update it: ${v.listingUrl}`,
      `After 12 months without a check, the listing tells people its information may be out of date.`,
    ].join('\n\n'),
    { staff_name: v.staffName, listing_name: v.listingName, last_confirmed: since, confirm_url: v.confirmUrl, listing_url: v.listingUrl },
  );
}

export function staleAlertMessage(v: { staffName: string; listings: { name: string; organisationName: string; lastConfirmedAt: Date }[]; total: number; listUrl: string }): Message {
  const shown = v.listings.map((l) => `- ${l.name} (${l.organisationName || 'no organisation'}), last checked ${formatDate(l.lastConfirmedAt)}`);
  const more = v.total > v.listings.length ? [`and ${v.total - v.listings.length} more.`] : [];
  const count = v.total === 1 ? '1 directory listing has' : `${v.total} directory listings have`;
  return message(
    'listing-stale-alert',
    `${count} not been checked for 12 months`,
    [
      `Dear ${v.staffName},`,
      `${count} not been confirmed by their providers for 12 months or more. Their public pages now say the information may be out of date.`,
      [...shown, ...more].join('\n'),
      `See them all: ${v.listUrl}`,
    ].join('\n\n'),
    { staff_name: v.staffName, count: String(v.total), list_url: v.listUrl },
  );
}
