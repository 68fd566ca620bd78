// Server-rendered HTML: Nunjucks with the NHS.UK frontend macros. Templates are looked up in the
// shared layout folder, then each feature's folder, then nhsuk-frontend's own templates.
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from './errors.ts';
import { ROLE_NAMES, type StaffActor } from './context.ts';
import { formatNhsNumber } from '../domain/nhs-number.ts';
import { formatPence } from '../domain/money.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const NHSUK_DIST = path.resolve(path.dirname(createRequire(import.meta.url).resolve('nhsuk-frontend')), '..');

export function createViewEnvironment(): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([path.join(here, 'views'), path.resolve(here, '../features'), NHSUK_DIST]),
    { autoescape: true, throwOnUndefined: false },
  );
  // Nunjucks' own trim uses /^\s*|\s*$/, which takes time that grows with the square of the
  // text's length; nhsuk-frontend trims whole blocks of HTML with it, which made a page with many
  // form fields take 8 ms to render. String.prototype.trim does the same job in linear time.
  env.addFilter('trim', (value: unknown) => {
    const trimmed = String(value ?? '').trim();
    return value instanceof nunjucks.runtime.SafeString ? new nunjucks.runtime.SafeString(trimmed) : trimmed;
  });
  env.addFilter('date', (value: unknown) => formatDate(value));
  env.addFilter('dateTime', (value: unknown) => formatDateTime(value));
  env.addFilter('number', (value: unknown) => (typeof value === 'number' ? value.toLocaleString('en-GB') : ''));
  // a proportion (0 to 1) as a whole percentage: 0.6 is '60%'
  env.addFilter('percent', (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? `${Math.round(value * 100)}%` : ''));
  env.addFilter('pence', (value: unknown) => (typeof value === 'number' && Number.isSafeInteger(value) ? formatPence(value) : ''));
  env.addFilter('nhsNumber', (value: unknown) => (typeof value === 'string' && value ? (formatNhsNumber(value) ?? value) : ''));
  return env;
}

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London',
});

export function formatDate(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value as string);
  return Number.isNaN(date.getTime()) ? '' : DATE.format(date);
}

export function formatDateTime(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  const date = new Date(value as string);
  return Number.isNaN(date.getTime()) ? '' : DATE_TIME.format(date);
}

/** The error summary and per-field messages, in the shapes the nhsuk macros take. */
export function formErrors(fields: FieldError[]): { errorList: { text: string; href: string }[]; byField: Record<string, { text: string }> } {
  return {
    errorList: fields.map((f) => ({ text: f.message, href: `#${f.field}` })),
    byField: Object.fromEntries(fields.map((f) => [f.field, { text: f.message }])),
  };
}

interface NavItem {
  href: string;
  text: string;
  current?: boolean;
  active?: boolean;
}

function navigationFor(actor: StaffActor | null, path: string): NavItem[] {
  return itemsFor(actor).map((item) => ({ ...item, current: path === item.href, active: path.startsWith(`${item.href}/`) }));
}

function itemsFor(actor: StaffActor | null): NavItem[] {
  if (!actor) return [];
  switch (actor.role) {
    case 'triage':
      return [
        { href: '/triage', text: 'Triage queue' },
        { href: '/waiting-list', text: 'Waiting lists' },
        { href: '/people', text: 'People' },
        { href: '/referrals/new', text: 'New referral' },
      ];
    case 'navigator':
      return [
        { href: '/caseload', text: 'Caseload' },
        { href: '/waiting-list', text: 'Waiting list' },
        { href: '/people', text: 'People' },
        { href: '/referrals/new', text: 'New referral' },
        // a navigator's organisation can run services too (employment support), and receives prescriptions to them
        { href: '/prescriptions', text: 'Social prescriptions' },
      ];
    case 'provider':
      return [
        { href: '/prescriptions', text: 'Social prescriptions' },
        { href: '/caseload', text: 'Caseload' },
        { href: '/waiting-list', text: 'Waiting list' },
        { href: '/people', text: 'People' },
        { href: '/manage/listings', text: 'Your listings' },
      ];
    case 'referrer':
      return [
        { href: '/partner/referrals/new', text: 'Make a referral' },
        { href: '/partner/referrals', text: 'Your referrals' },
      ];
    case 'admin':
      return [
        { href: '/triage', text: 'Triage queue' },
        { href: '/people', text: 'People' },
        { href: '/admin/directory', text: 'Directory' },
        { href: '/prescriptions/providers', text: 'Provider response times' },
        { href: '/reports/brief-advice', text: 'Brief advice given' },
        { href: '/admin/staff', text: 'Staff' },
        { href: '/admin/api-keys', text: 'API keys' },
        { href: '/admin/settings', text: 'Settings' },
        { href: '/admin/audit', text: 'Audit log' },
      ];
    case 'commissioner':
      // counts only: commissioners never see a name
      return [
        { href: '/prescriptions/providers', text: 'Provider response times' },
        { href: '/reports/brief-advice', text: 'Brief advice given' },
      ];
  }
}

declare module 'fastify' {
  interface FastifyReply {
    render(template: string, data?: Record<string, unknown>): FastifyReply;
  }
}

export function registerViews(app: FastifyInstance, env: nunjucks.Environment): void {
  app.decorateReply('render', function render(this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
    const request: FastifyRequest = this.request;
    const actor = request.actor ?? null;
    const currentPath = request.url.split('?')[0] ?? '/';
    const html = env.render(template, {
      ...data,
      actor,
      roleName: actor ? ROLE_NAMES[actor.role] : undefined,
      navigation: navigationFor(actor, currentPath),
      currentPath,
      csrfToken: this.generateCsrf(),
      cspNonce: this.cspNonce?.script,
      requestId: request.id,
    });
    return this.type('text/html; charset=utf-8').send(html);
  });
}

/**
 * Runs a form's work; when it fails with field errors, shows the same form again with the error
 * summary and what the person typed, instead of an error page.
 */
export async function handleForm(
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown>,
  work: () => Promise<FastifyReply | void>,
): Promise<FastifyReply> {
  try {
    const result = await work();
    return result ?? reply;
  } catch (error) {
    const fields = (error as { fields?: FieldError[] }).fields;
    if (fields && fields.length > 0) {
      const status = (error as { status?: number }).status ?? 400;
      return reply.code(status).render(template, { ...data, errors: formErrors(fields) });
    }
    throw error;
  }
}
