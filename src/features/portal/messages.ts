// The words of the message that carries a secure link. It never names the person, the carer or
// anything about their support: a text or email can be read over a shoulder, and the link is
// enough. The link is removed from the outbox once the message is sent (forgetAfterSend).
import { formatDate } from '../../platform/views.ts';
import type { Message } from '../referrals/messages.ts';

const SAFETY = 'If you or someone else is in danger now, call 999. For urgent mental health help, call NHS 111 and choose option 2, any time of day or night.';

export function portalLinkMessage(v: { serviceName: string; url: string; expiresAt: Date; forCarer: boolean }): Message {
  const until = formatDate(v.expiresAt);
  const body = [
    v.forCarer
      ? `Here is your secure link to ${v.serviceName}. It shows what the person you care for has agreed to share with you.`
      : `Here is your secure link to your own pages at ${v.serviceName}.`,
    `Open it here: ${v.url}`,
    `The link works once, until ${until}. If it has stopped working, ask your worker for a new one. Do not share it with anyone.`,
    'If you did not expect this message, you can ignore it.',
    SAFETY,
  ].join('\n\n');
  return {
    template: 'portal-link',
    personalisation: { subject: `Your secure link to ${v.serviceName}`, body, service_name: v.serviceName, link: v.url, expires_on: until },
  };
}
