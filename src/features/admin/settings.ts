// The tenant's settings page, /admin/settings: every rule the service runs by (who it is for, how
// fast it answers, when waiting people are chased), each with what it changes in plain words.
// Saved with an audit row; a save from a page another administrator has since changed is refused.
import type { FastifyPluginAsync } from 'fastify';
import { formBody, queryParams } from '../../platform/forms.ts';
import { requireStaff, staffContext } from '../../platform/guards.ts';
import { requireRole } from '../../platform/access.ts';
import { AppError } from '../../platform/errors.ts';
import { formErrors, handleForm } from '../../platform/views.ts';
import {
  getTenantSettings, NUMBER_SETTINGS, settingsFingerprint, updateTenantSettings, type TenantSettings,
} from '../../platform/tenant-settings.ts';

const TEMPLATE = 'admin/views/settings.njk';

type Key = keyof TenantSettings;

/** What each setting changes, for the person deciding its value. */
export const SETTING_EFFECTS: Readonly<Record<Key, string>> = {
  serviceName: 'Used in every email and text message Lantern sends about a referral, like “Live Well Kent received your referral”.',
  minimumAge: 'Someone younger is marked as not eligible when their referral arrives, so triage can point them to a service for their age. Their referral is still received.',
  crisisResponseMinutes: 'When someone says they are in danger now, their referral goes to the top of the triage queue and is due a response within this time.',
  urgentResponseHours: 'The deadline for a first response to an urgent referral, counted from when it arrived, day and night.',
  routineContactWorkingDays: 'The deadline for first contact with a routine referral. Weekends and bank holidays are not counted.',
  noContactReminderDays: 'The responsible worker is reminded when someone on their waiting list has not been contacted for this long.',
  contactAttemptsBeforeClosing: 'A referral can be closed as “no response” only after this many recorded attempts to contact the person.',
  triageEmail: 'Lantern emails this inbox straight away when a crisis referral arrives, with the reference and a link but no personal details. Leave it empty to send no emails: crisis referrals still go to the top of the queue.',
  prescriptionChaseDays: 'A provider that has not accepted or declined a social prescription is reminded after this many days.',
  comeBackMonths: 'People discharged within this time can come back by a fast route that skips the triage queue. Enter 0 for everyone to go through triage again.',
};

const SECTIONS: readonly { legend: string; hint?: string; keys: readonly Key[] }[] = [
  { legend: 'The service', keys: ['serviceName', 'minimumAge'] },
  {
    legend: 'How fast referrals are answered',
    hint: 'New deadlines apply to referrals that arrive after you save. Referrals already received keep the deadlines they were given.',
    keys: ['crisisResponseMinutes', 'urgentResponseHours', 'routineContactWorkingDays'],
  },
  { legend: 'People waiting for support', keys: ['noContactReminderDays', 'contactAttemptsBeforeClosing', 'triageEmail'] },
  { legend: 'Support and coming back', keys: ['prescriptionChaseDays', 'comeBackMonths'] },
];

interface Field {
  key: Key;
  label: string;
  hint: string;
  number: boolean;
}

function fieldFor(key: Key): Field {
  if (key === 'serviceName') return { key, label: 'Name of the service', hint: SETTING_EFFECTS[key], number: false };
  if (key === 'triageEmail') return { key, label: 'The single point of access’s shared inbox (optional)', hint: SETTING_EFFECTS[key], number: false };
  const rule = NUMBER_SETTINGS[key];
  return { key, label: rule.label, hint: `${SETTING_EFFECTS[key]} Enter a whole number from ${rule.min} to ${rule.max}.`, number: true };
}

const sections = SECTIONS.map((s) => ({ ...s, fields: s.keys.map(fieldFor) }));

/** The settings as the form's text values. */
function formValues(settings: TenantSettings): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

export const settingsRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', requireStaff);
  app.addHook('preHandler', async (request) => requireRole(staffContext(request).actor, ['admin']));

  const page = (values: Record<string, string>, version: string) => ({ title: 'Settings', sections, values, version });

  app.get('/admin/settings', async (request, reply) => {
    const ctx = staffContext(request);
    const settings = await getTenantSettings(ctx.db, ctx.actor.tenantId);
    const saved = queryParams(request).saved === '1';
    return reply.render(TEMPLATE, {
      ...page(formValues(settings), settingsFingerprint(settings)),
      flash: saved ? 'Settings saved. Lantern uses them from now on.' : undefined,
    });
  });

  app.post('/admin/settings', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    const values = Object.fromEntries(Object.keys(SETTING_EFFECTS).map((k) => [k, body[k] ?? '']));
    return handleForm(reply, TEMPLATE, page(values, body.version ?? ''), async () => {
      try {
        await updateTenantSettings(ctx, values, { expectedFingerprint: body.version ?? '' });
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'stale') throw error;
        // Show the settings as they are now, so nothing is saved over another administrator's change.
        const current = await getTenantSettings(ctx.db, ctx.actor.tenantId);
        return reply.code(409).render(TEMPLATE, {
          ...page(formValues(current), settingsFingerprint(current)),
          // One message for the whole form, linked to its first field: no field is wrong.
          errors: { errorList: formErrors([{ field: 'serviceName', message: error.message }]).errorList, byField: {} },
        });
      }
      return reply.redirect('/admin/settings?saved=1', 303);
    });
  });
};
