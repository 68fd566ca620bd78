// The words of the messages referrals send. Each gives the `subject` and `body` a generic Notify
// template shows, plus the values a template of its own could use. Messages that leave Lantern
// never carry the person's name or what they said: an email can be read over a shoulder, and
// the reference is enough to find the referral.
import { formatDateTime } from '../../platform/views.ts';

export interface Message {
  template: string;
  personalisation: Record<string, string>;
}

const message = (template: string, subject: string, body: string, values: Record<string, string>): Message => ({
  template,
  personalisation: { subject, body, ...values },
});

const SAFETY = 'If you or someone else is in danger now, call 999. For urgent mental health help, call NHS 111 and choose option 2, any time of day or night.';

/** To the person who referred themselves, or the professional or carer who referred someone. */
export function acknowledgementMessage(v: {
  serviceName: string;
  reference: string;
  receivedAt: Date;
  toReferrer: boolean;
  expectContact: string;
}): Message {
  const when = formatDateTime(v.receivedAt);
  const body = [
    v.toReferrer
      ? `Thank you. ${v.serviceName} received your referral on ${when}.`
      : `Thank you for asking ${v.serviceName} for support. We received your referral on ${when}.`,
    `Your reference is ${v.reference}. Quote it if you contact us about this referral.`,
    v.expectContact,
    SAFETY,
  ].join('\n\n');
  return message('referral-acknowledgement', `We have received your referral: ${v.reference}`, body, {
    service_name: v.serviceName, reference: v.reference, received_at: when,
  });
}

/** To the single point of access's shared inbox, when someone says they are in danger now. */
export function crisisAlertMessage(v: { serviceName: string; reference: string; receivedAt: Date; triageUrl: string }): Message {
  return message(
    'referral-crisis-alert',
    `Crisis referral to see now: ${v.reference}`,
    [
      `A referral to ${v.serviceName} arrived on ${formatDateTime(v.receivedAt)} from someone who said they are in danger now or thinking of ending their life.`,
      `It is at the top of the triage queue. Open it now: ${v.triageUrl}`,
    ].join('\n\n'),
    { service_name: v.serviceName, reference: v.reference, triage_url: v.triageUrl },
  );
}
