// The emails social prescribing sends. Each leaves Lantern, so none names the person, what they
// hope for or the service they were sent to: a link is enough, and the page it opens checks who
// is signed in.
export interface Message {
  template: string;
  personalisation: Record<string, string>;
}

const message = (template: string, subject: string, body: string[], values: Record<string, string>): Message => ({
  template,
  personalisation: { subject, body: body.join('\n\n'), ...values },
});

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

/** To a provider's staff: something new in their organisation's inbox. */
export function newPrescriptionMessage(v: { url: string }): Message {
  return message(
    'prescription-received',
    'A new social prescription for your organisation',
    [
      'A wellbeing navigator has sent your organisation a social prescription in Lantern.',
      'Sign in to see it, then accept it or say why you cannot take it:',
      v.url,
    ],
    { prescription_url: v.url },
  );
}

/** To a provider's staff: a prescription has waited for an answer. */
export function chaseMessage(v: { waitedDays: number; reminder: number; of: number; url: string }): Message {
  return message(
    'prescription-chase',
    'A social prescription is waiting for your answer',
    [
      `A social prescription sent to your organisation has waited ${days(v.waitedDays)} for an answer (reminder ${v.reminder} of ${v.of}).`,
      'Someone is waiting to hear. Sign in to accept it, or to say why you cannot take it:',
      v.url,
    ],
    { waited_days: String(v.waitedDays), reminder: String(v.reminder), prescription_url: v.url },
  );
}

/** To a provider's staff: the navigator took a prescription back. */
export function withdrawnMessage(v: { url: string }): Message {
  return message(
    'prescription-withdrawn',
    'A social prescription sent to your organisation has been withdrawn',
    [
      'A wellbeing navigator has withdrawn a social prescription they sent to your organisation. You do not need to contact the person about it.',
      'Sign in to see which one:',
      v.url,
    ],
    { prescription_url: v.url },
  );
}

/** To the navigator: the provider said no, or the person stopped going. */
export function outcomeMessage(v: { outcome: 'declined' | 'dropped_out'; url: string }): Message {
  const declined = v.outcome === 'declined';
  return message(
    declined ? 'prescription-declined' : 'prescription-dropped-out',
    declined ? 'A provider has declined one of your social prescriptions' : 'Someone has stopped going to a social prescription',
    [
      declined
        ? 'A provider has declined a social prescription you sent. Sign in to see their reason and decide what to offer the person instead:'
        : 'A provider has recorded that someone you support has dropped out of a social prescription. Sign in to see why:',
      v.url,
    ],
    { prescription_url: v.url },
  );
}

/** To the navigator: the provider has not answered after every reminder, or nobody there can. */
export function unansweredMessage(v: { waitedDays: number; reminders: number; url: string }): Message {
  return message(
    'prescription-unanswered',
    'A social prescription you sent is still unanswered',
    [
      v.reminders > 0
        ? `A social prescription you sent has waited ${days(v.waitedDays)} for the provider's answer. Lantern has reminded them ${v.reminders} ${v.reminders === 1 ? 'time' : 'times'} and will not remind them again.`
        : `A social prescription you sent has waited ${days(v.waitedDays)} for an answer, and nobody at the provider can answer it in Lantern.`,
      'Contact the provider, or withdraw it and offer the person something else:',
      v.url,
    ],
    { waited_days: String(v.waitedDays), reminders: String(v.reminders), prescription_url: v.url },
  );
}
