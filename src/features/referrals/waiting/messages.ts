// The words of the waiting list's emails to staff. They leave Lantern, so they carry references
// and links only: never a name or anything the person said. The link opens the referral for
// someone signed in with access to it.
import type { Message } from '../messages.ts';

const message = (template: string, subject: string, body: string, values: Record<string, string>): Message => ({
  template,
  personalisation: { subject, body, ...values },
});

/** To the single point of access's inbox: a crisis or urgent referral's first-response deadline passed with nobody reaching the person. */
export function deadlineMissedMessage(v: { serviceName: string; reference: string; urgency: 'crisis' | 'urgent'; referralUrl: string }): Message {
  const kind = v.urgency === 'crisis' ? 'crisis' : 'urgent';
  return message(
    'referral-deadline-missed',
    `First-response deadline passed: ${v.reference}`,
    [
      `The first-response deadline for ${kind} referral ${v.reference} to ${v.serviceName} has passed, and nobody has recorded reaching the person yet.`,
      `Try to reach them now, and record each attempt on the referral: ${v.referralUrl}`,
    ].join('\n\n'),
    { service_name: v.serviceName, reference: v.reference, urgency: kind, referral_url: v.referralUrl },
  );
}

/** Listed in one reminder; the rest are counted, with the waiting list's link. */
export const REMINDER_LISTED = 30;

/** To a responsible worker, team leads or the triage inbox: people waiting who have not been contacted for the tenant's number of days. */
export function noContactReminderMessage(v: {
  serviceName: string;
  days: number;
  /** who the reminder is for, in a sentence: 'you are the responsible worker for' */
  why: string;
  referrals: { reference: string; url: string }[];
  waitingListUrl: string;
}): Message {
  const n = v.referrals.length;
  const listed = v.referrals.slice(0, REMINDER_LISTED).map((r) => `${r.reference}: ${r.url}`);
  const more = n > REMINDER_LISTED ? [`and ${n - REMINDER_LISTED} more on the waiting list: ${v.waitingListUrl}`] : [];
  const people = n === 1 ? '1 person' : `${n} people`;
  return message(
    'waiting-no-contact-reminder',
    `Reminder: ${people} waiting with no contact for ${v.days} days or more`,
    [
      `${people} on the ${v.serviceName} waiting list ${n === 1 ? 'has' : 'have'} not been contacted for ${v.days} days or more. This is because ${v.why}.`,
      'Try to contact each of them in the way they said is safe, and record the attempt:',
      [...listed, ...more].join('\n'),
      `The waiting list: ${v.waitingListUrl}`,
    ].join('\n\n'),
    { service_name: v.serviceName, count: String(n), days: String(v.days), waiting_list_url: v.waitingListUrl },
  );
}
