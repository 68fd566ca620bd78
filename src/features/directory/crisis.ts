// The national crisis options shown on "Get help now". Each has a link that works on a phone
// with one tap. Local 24-hour options come from the directory (a later feature) beside these.
export interface CrisisOption {
  id: string;
  title: string;
  when: string;
  action: string;
  href: string;
  linkText: string;
  hours: string;
}

export const NATIONAL_CRISIS_OPTIONS: readonly CrisisOption[] = [
  {
    id: 'emergency',
    title: 'Call 999 if a life is at risk now',
    when: 'Call 999 or go to A&E now if someone has seriously hurt themselves, or you or they might not be safe.',
    action: 'Call',
    href: 'tel:999',
    linkText: '999',
    hours: 'Open 24 hours',
  },
  {
    id: 'nhs-111',
    title: 'NHS 111, option 2, for urgent mental health help',
    when: 'Call 111 and choose option 2 to talk to a mental health team. They can help you or someone you care for.',
    action: 'Call',
    href: 'tel:111',
    linkText: '111, then choose option 2',
    hours: 'Open 24 hours, every day',
  },
  {
    id: 'samaritans',
    title: 'Samaritans, if you want to talk to someone',
    when: 'Call for free if you are struggling to cope. You do not have to be suicidal to call.',
    action: 'Call',
    href: 'tel:116123',
    linkText: '116 123',
    hours: 'Open 24 hours, every day. Free to call.',
  },
  {
    id: 'shout',
    title: 'Shout, if you would rather text',
    when: 'Text the word SHOUT to 85258 to talk by text with a trained volunteer.',
    action: 'Text',
    href: 'sms:85258?body=SHOUT',
    linkText: 'SHOUT to 85258',
    hours: 'Open 24 hours, every day. Free to text.',
  },
];
