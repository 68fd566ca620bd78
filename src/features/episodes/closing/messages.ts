// The words of the emails handovers and coming back send to staff. Like every message that leaves
// Lantern, they carry no names and nothing about the person: a link to sign in and read it.
import type { Message } from '../../referrals/messages.ts';

const message = (template: string, subject: string, body: string, values: Record<string, string>): Message => ({
  template,
  personalisation: { subject, body, ...values },
});

/** To the worker a person's support is handed to. */
export function handoverToAcknowledgeMessage(v: { serviceName: string; url: string }): Message {
  return message(
    'handover-to-acknowledge',
    'A handover is waiting for you to acknowledge',
    [
      `Someone’s support in ${v.serviceName} has been handed over to you.`,
      `Sign in to Lantern to read the handover and acknowledge it: ${v.url}`,
      'Until you acknowledge it, the worker who handed over stays responsible.',
    ].join('\n\n'),
    { service_name: v.serviceName, url: v.url },
  );
}

/** To the worker who was responsible when the handover was sent. */
export function handoverSentMessage(v: { serviceName: string; url: string }): Message {
  return message(
    'handover-sent',
    'A handover from you is waiting to be acknowledged',
    [
      `Someone’s support in ${v.serviceName} is being handed over from you to another worker.`,
      'You stay responsible for them until the new worker acknowledges the handover.',
      `See the handover: ${v.url}`,
    ].join('\n\n'),
    { service_name: v.serviceName, url: v.url },
  );
}

/** To the worker who handed over (and whoever sent it), once the new worker has taken over. */
export function handoverAcknowledgedMessage(v: { serviceName: string; url: string }): Message {
  return message(
    'handover-acknowledged',
    'Your handover has been acknowledged',
    [`A handover of someone’s support in ${v.serviceName} has been acknowledged. The new worker is now responsible.`, `See the handover: ${v.url}`].join('\n\n'),
    { service_name: v.serviceName, url: v.url },
  );
}

/** To the worker a handover was sent to, when it is cancelled before they acknowledged it. */
export function handoverCancelledMessage(v: { serviceName: string; url: string; discharged: boolean }): Message {
  return message(
    'handover-cancelled',
    'A handover to you has been cancelled',
    [
      v.discharged
        ? `A handover of someone’s support in ${v.serviceName} to you was cancelled because their support has ended.`
        : `A handover of someone’s support in ${v.serviceName} to you was cancelled by the worker who sent it.`,
      'Nothing is needed from you.',
      `See the handover: ${v.url}`,
    ].join('\n\n'),
    { service_name: v.serviceName, url: v.url },
  );
}

/** To the worker chosen for someone who came back by the fast route, when someone else brought them back. */
export function comeBackMessage(v: { serviceName: string; url: string }): Message {
  return message(
    'come-back-allocated',
    'Someone has come back to you for support',
    [
      `Someone who had support from ${v.serviceName} before has come back, and you are their worker.`,
      `Sign in to Lantern to see their support: ${v.url}`,
    ].join('\n\n'),
    { service_name: v.serviceName, url: v.url },
  );
}
