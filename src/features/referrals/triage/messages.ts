// The words of the messages triage sends. Staff get a reference and a link, never the person's
// name or what they said: an email can be read over a shoulder or forwarded. The person, when they
// are signposted to another service, gets that service's name and how to reach it, and nothing
// about themselves.
import type { Message } from '../messages.ts';
import type { Listing } from '../../directory/listing.ts';
import { formatDateTime } from '../../../platform/views.ts';

const message = (template: string, subject: string, body: string, values: Record<string, string>): Message => ({
  template,
  personalisation: { subject, body, ...values },
});

const SAFETY = 'If you or someone else is in danger now, call 999. For urgent mental health help, call NHS 111 and choose option 2, any time of day or night.';

/** To the team (or the allocated worker) of the organisation a referral was routed to. */
export function routedMessage(v: { serviceName: string; reference: string; organisationName: string; dueAt: Date; url: string; toWorker: boolean }): Message {
  const body = [
    v.toWorker
      ? `The ${v.serviceName} single point of access has added referral ${v.reference} to the waiting list of ${v.organisationName}, with you as the responsible worker.`
      : `The ${v.serviceName} single point of access has added referral ${v.reference} to the waiting list of ${v.organisationName}.`,
    `The first response is due by ${formatDateTime(v.dueAt)}.`,
    `Open it in Lantern: ${v.url}`,
  ].join('\n\n');
  return message('referral-routed', `New referral on your waiting list: ${v.reference}`, body, {
    reference: v.reference, organisation_name: v.organisationName, due_at: formatDateTime(v.dueAt), url: v.url,
  });
}

/** To the worker a referral has been given to. */
export function allocatedMessage(v: { reference: string; handover: boolean; url: string }): Message {
  const body = [
    `Referral ${v.reference} has been given to you: you are now its responsible worker.`,
    v.handover ? 'The worker before you left a handover note. Read it on the referral’s page.' : null,
    `Open it in Lantern: ${v.url}`,
  ].filter(Boolean).join('\n\n');
  return message('referral-allocated', `A referral has been given to you: ${v.reference}`, body, { reference: v.reference, url: v.url });
}

/** To the responsible worker (or team) when someone waiting is now more urgent. */
export function urgencyRaisedMessage(v: { reference: string; urgencyName: string; dueAt: Date; url: string }): Message {
  const body = [
    `Referral ${v.reference} on your waiting list is now ${v.urgencyName.toLowerCase()}.`,
    `The first response is now due by ${formatDateTime(v.dueAt)}.`,
    `Open it in Lantern: ${v.url}`,
  ].join('\n\n');
  return message('referral-urgency-raised', `Referral ${v.reference} is now more urgent`, body, {
    reference: v.reference, due_at: formatDateTime(v.dueAt), url: v.url,
  });
}

/** How to reach a service, in plain lines, from its listing. */
export function howToContact(listing: Pick<Listing, 'phone' | 'textNumber' | 'email' | 'url' | 'howToAccess'>): string[] {
  return [
    listing.phone ? `Phone: ${listing.phone}` : null,
    listing.textNumber ? `Text: ${listing.textNumber}` : null,
    listing.email ? `Email: ${listing.email}` : null,
    listing.url ? `Website: ${listing.url}` : null,
    listing.howToAccess ? listing.howToAccess : null,
  ].filter((line): line is string => line !== null);
}

/** To the person, when the single point of access points them to a service outside Lantern. */
export function signpostMessage(v: {
  serviceName: string;
  reference: string;
  listing: Pick<Listing, 'name' | 'organisationName' | 'phone' | 'textNumber' | 'email' | 'url' | 'howToAccess'>;
  sms: boolean;
}): Message {
  const contact = howToContact(v.listing);
  const who = v.listing.organisationName && v.listing.organisationName !== v.listing.name ? `${v.listing.name} (${v.listing.organisationName})` : v.listing.name;
  const body = v.sms
    ? [
        `${v.serviceName}: about your referral ${v.reference}. We think ${who} can help you better.`,
        contact.slice(0, 2).join('. '),
        'If you are in danger now, call 999.',
      ].filter(Boolean).join(' ')
    : [
        `Thank you for asking ${v.serviceName} for support (your reference is ${v.reference}).`,
        `We think another service can help you better: ${who}.`,
        contact.length ? `How to contact them:\n${contact.join('\n')}` : 'Search for them online, or ask us how to contact them.',
        `If you would still like support from ${v.serviceName}, contact us and quote your reference.`,
        SAFETY,
      ].join('\n\n');
  return message('referral-signposted', `Another service that can help you: ${v.listing.name}`, body, {
    service_name: v.serviceName, reference: v.reference, listing_name: v.listing.name,
  });
}
