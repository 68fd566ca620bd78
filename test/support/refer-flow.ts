// Drives the public self-referral the way a browser without JavaScript does: each page's form
// is posted with its hidden fields (every answer so far) and the answers typed on that page, to
// the form's own action. "Back" posts the separate back form; "Change" is a button on the check
// page. Checkbox groups are posted as repeated fields, as a browser sends them.
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp, TestClient } from './app.ts';

export type Typed = Record<string, string | string[]>;

export interface PageForm {
  action: string;
  hidden: [string, string][];
  /** what the visible inputs hold as the page was shown: text typed before, boxes ticked, options chosen */
  shown: [string, string][];
}

const decode = (text: string) =>
  text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** The form with this id on the page: where it posts and its hidden fields. */
export function formOn(html: string, id: string): PageForm | null {
  const match = new RegExp(`<form id="${id}" method="post" action="([^"]+)"[^>]*>([\\s\\S]*?)</form>`).exec(html);
  if (!match) return null;
  const body = match[2]!;
  const hidden = [...body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, decode(m[2]!)] as [string, string]);
  const shown: [string, string][] = [];
  const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  for (const tag of body.match(/<input\b[^>]*>/g) ?? []) {
    const name = attr(tag, 'name');
    const type = attr(tag, 'type') ?? 'text';
    if (!name || type === 'hidden' || type === 'submit') continue;
    if (type === 'radio' || type === 'checkbox') {
      if (/\schecked\b/.test(tag)) shown.push([name, decode(attr(tag, 'value') ?? 'on')]);
    } else {
      const value = attr(tag, 'value');
      if (value) shown.push([name, decode(value)]);
    }
  }
  for (const m of body.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
    const name = attr(m[1]!, 'name');
    if (name && m[2]) shown.push([name, decode(m[2])]);
  }
  for (const m of body.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const name = attr(m[1]!, 'name');
    const selected = /<option value="([^"]*)" selected/.exec(m[2]!)?.[1];
    if (name && selected) shown.push([name, decode(selected)]);
  }
  return { action: decode(match[1]!), hidden, shown };
}

/** The page's <h1> (or the legend or label standing in for it), as text. */
export function headingOf(html: string): string {
  const h1 = /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html)?.[1] ?? '';
  return decode(h1.replace(/<span class="nhsuk-caption[^"]*">[\s\S]*?<\/span>/, '').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
}

/** The value of the text box with this id on the page, or null when there is no such box. */
export function inputValue(html: string, id: string): string | null {
  for (const tag of html.match(/<input[^>]*>/g) ?? []) {
    if (!tag.includes(` id="${id}"`)) continue;
    return decode(/ value="([^"]*)"/.exec(tag)?.[1] ?? '');
  }
  return null;
}

/** True when the box with this id is marked as having an error. */
export function markedAsError(html: string, id: string): boolean {
  return (html.match(/<input[^>]*>/g) ?? []).some((tag) => tag.includes(` id="${id}"`) && tag.includes('nhsuk-input--error'));
}

export class ReferFlow {
  page!: LightMyRequestResponse;

  constructor(
    private readonly t: TestApp,
    readonly client: TestClient,
  ) {}

  get html(): string {
    return this.page.body;
  }

  get heading(): string {
    return headingOf(this.page.body);
  }

  /** The answers carried hidden on this page, by name. */
  get carried(): Record<string, string> {
    return Object.fromEntries(formOn(this.html, 'refer-form')?.hidden ?? []);
  }

  async post(url: string, pairs: [string, string][]): Promise<LightMyRequestResponse> {
    const cookie = [...this.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    this.page = await this.t.app.inject({
      method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(pairs).toString(),
    });
    return this.page;
  }

  /** Opens /refer and presses "Start now". */
  async start(path = '/refer'): Promise<LightMyRequestResponse> {
    const opened = await this.client.get(path);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(opened.body)?.[1];
    const key = /name="key" value="([^"]+)"/.exec(opened.body)?.[1];
    if (!csrf || !key) throw new Error(`no start form on ${path}`);
    return this.post('/refer/start', [['_csrf', csrf], ['key', key]]);
  }

  /**
   * Answers this page and presses a button (Continue unless told): the form's hidden fields, what
   * its inputs already hold, and `typed` in place of whatever those inputs held.
   */
  async answer(typed: Typed = {}, button: [string, string] = ['go', 'continue']): Promise<LightMyRequestResponse> {
    const form = formOn(this.html, 'refer-form');
    if (!form) throw new Error(`no self-referral form on the page "${this.heading}" (status ${this.page.statusCode})`);
    const pairs = [...form.hidden, ...form.shown].filter(([name]) => !(name in typed));
    for (const [name, value] of Object.entries(typed)) for (const v of Array.isArray(value) ? value : [value]) pairs.push([name, v]);
    pairs.push(button);
    return this.post(form.action, pairs);
  }

  async back(): Promise<LightMyRequestResponse> {
    const form = formOn(this.html, 'refer-back');
    if (!form) throw new Error(`no back form on "${this.heading}"`);
    return this.post(form.action, form.hidden);
  }

  /** "Change" on the check page, for the answer asked on `step`. */
  async change(step: string): Promise<LightMyRequestResponse> {
    if (!this.html.includes(`name="change" value="${step}"`)) throw new Error(`no Change button for ${step} on "${this.heading}"`);
    return this.answer({}, ['change', step]);
  }

  /** Posts exactly what was posted last time again (a double click, a refresh). */
  async again(url: string, pairs: [string, string][]): Promise<LightMyRequestResponse> {
    return this.post(url, pairs);
  }
}

/** A family name no seeded person has (letters only, as names must be), so no likely match is found. */
export function uniqueSurname(): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let name = 'Q';
  for (let i = 0; i < 10; i++) name += letters[Math.floor(Math.random() * letters.length)];
  return name;
}

/** A self-referral's answers, page by page, for someone asking for themselves. */
export function selfAnswers(overrides: Partial<Record<string, Typed>> = {}): [string, Typed][] {
  const pages: [string, Typed][] = [
    ['Who needs support?', { who: 'me' }],
    ['Are you in danger right now or thinking of ending your life?', { danger: 'no' }],
    ['What is your name?', { givenName: 'Alex', familyName: uniqueSurname() }],
    ['What is your date of birth?', { 'dob-day': '12', 'dob-month': '4', 'dob-year': '1990' }],
    ['What is your postcode?', { postcode: 'da1 1aa' }],
    ['Which GP surgery are you registered with?', { gpChoice: 'unknown' }],
    ['What is your NHS number? (optional)', { nhsNumber: '' }],
    ['How can we contact you safely?', { contactMethods: ['call', 'email'], phone: '07700 900123', email: 'alex@example.com' }],
    ['Before we contact you', { voicemail: 'no', contactTimes: 'Weekday mornings', contactNotes: 'Do not say who is calling' }],
    ['What would you like help with?', { needs: ['lantern-needs:anxiety', 'lantern-needs:loneliness'] }],
    ['Tell us what is happening, in your own words', { story: 'I have been struggling to sleep and I feel on edge.' }],
    ['Can we tell your GP about this referral?', { gpConsent: 'yes' }],
  ];
  return pages.map(([heading, typed]) => [heading, { ...typed, ...(overrides[heading] ?? {}) }]);
}
