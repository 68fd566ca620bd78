// Each tenant's own rules: who the service is for, how fast it answers, when waiting people are
// chased. Stored as JSON on the tenant row and read through here, so every feature sees the same
// values with the same defaults, and a value an administrator never set falls back to the
// default rather than to nothing.
import crypto from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { audit } from './audit.ts';
import { requireRole } from './access.ts';
import type { StaffContext } from './context.ts';
import { AppError, invalid, type FieldError } from './errors.ts';

export interface TenantSettings {
  /** The service's name as people know it ("Live Well Kent"), on public pages and in messages. */
  serviceName: string;
  /** The youngest age the service is for (Live Well Kent: anyone over 17). */
  minimumAge: number;
  /** A crisis referral must be responded to within this many minutes. */
  crisisResponseMinutes: number;
  /** An urgent referral must be responded to within this many hours (Live It Well commitment 6: 24). */
  urgentResponseHours: number;
  /** A routine referral must have first contact within this many working days. */
  routineContactWorkingDays: number;
  /** Remind the responsible worker when someone waiting has not been contacted for this many days. */
  noContactReminderDays: number;
  /** "No response" closes a referral only after this many attempts to make contact. */
  contactAttemptsBeforeClosing: number;
  /** The single point of access's shared inbox, told at once of crisis referrals and missed deadlines. */
  triageEmail: string | null;
  /** Chase a social prescription the provider has not answered after this many days. */
  prescriptionChaseDays: number;
  /** A discharged person can come back by the fast route within this many months. */
  comeBackMonths: number;
}

export const DEFAULT_SETTINGS: TenantSettings = {
  serviceName: 'Lantern',
  minimumAge: 17,
  crisisResponseMinutes: 60,
  urgentResponseHours: 24,
  routineContactWorkingDays: 5,
  noContactReminderDays: 7,
  contactAttemptsBeforeClosing: 3,
  triageEmail: null,
  prescriptionChaseDays: 5,
  comeBackMonths: 12,
};

type NumberKey = { [K in keyof TenantSettings]: TenantSettings[K] extends number ? K : never }[keyof TenantSettings];

/** The whole-number settings, their limits, and how to ask for them. */
export const NUMBER_SETTINGS: Record<NumberKey, { label: string; hint: string; min: number; max: number }> = {
  minimumAge: { label: 'Youngest age the service is for', hint: 'In years, like 17', min: 0, max: 120 },
  crisisResponseMinutes: { label: 'Respond to a crisis referral within (minutes)', hint: 'Like 60', min: 1, max: 24 * 60 },
  urgentResponseHours: { label: 'Respond to an urgent referral within (hours)', hint: 'Like 24', min: 1, max: 24 * 14 },
  routineContactWorkingDays: { label: 'First contact for a routine referral within (working days)', hint: 'Weekends and bank holidays do not count', min: 1, max: 60 },
  noContactReminderDays: { label: 'Remind the worker when someone waiting has not been contacted for (days)', hint: 'Like 7', min: 1, max: 90 },
  contactAttemptsBeforeClosing: { label: 'Attempts to make contact before closing as “no response”', hint: 'Like 3', min: 1, max: 20 },
  prescriptionChaseDays: { label: 'Chase a provider who has not answered a social prescription after (days)', hint: 'Like 5', min: 1, max: 60 },
  comeBackMonths: { label: 'People discharged can come back without joining the queue for (months)', hint: 'Like 12', min: 0, max: 60 },
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The stored settings with defaults for anything missing or unusable. Never throws on bad data. */
export function settingsFrom(stored: unknown): TenantSettings {
  const raw = stored && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
  const settings: TenantSettings = { ...DEFAULT_SETTINGS };
  for (const [key, rule] of Object.entries(NUMBER_SETTINGS) as [NumberKey, (typeof NUMBER_SETTINGS)[NumberKey]][]) {
    const value = raw[key];
    if (typeof value === 'number' && Number.isInteger(value) && value >= rule.min && value <= rule.max) settings[key] = value;
  }
  if (typeof raw.serviceName === 'string' && raw.serviceName.trim()) settings.serviceName = raw.serviceName.trim().slice(0, 100);
  if (typeof raw.triageEmail === 'string' && EMAIL.test(raw.triageEmail)) settings.triageEmail = raw.triageEmail;
  return settings;
}

export async function getTenantSettings(db: Queryable, tenantId: string): Promise<TenantSettings> {
  const { rows } = await db.query<{ settings: unknown }>('SELECT settings FROM tenants WHERE id = $1', [tenantId]);
  return settingsFrom(rows[0]?.settings);
}

/** Reads the settings form: every field checked, each problem named with what to do. */
export function readSettingsForm(form: Record<string, string>): { settings: TenantSettings; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const settings: TenantSettings = { ...DEFAULT_SETTINGS };
  const serviceName = (form.serviceName ?? '').trim();
  if (!serviceName) problems.push({ field: 'serviceName', message: 'Enter the name people know the service by, like Live Well Kent' });
  else if (serviceName.length > 100) problems.push({ field: 'serviceName', message: 'Enter a name that is 100 characters or fewer' });
  settings.serviceName = serviceName;
  for (const [key, rule] of Object.entries(NUMBER_SETTINGS) as [NumberKey, (typeof NUMBER_SETTINGS)[NumberKey]][]) {
    const raw = (form[key] ?? '').trim();
    const value = Number(raw);
    if (!raw || !/^\d+$/.test(raw) || value < rule.min || value > rule.max) {
      problems.push({ field: key, message: `${rule.label}: enter a whole number from ${rule.min} to ${rule.max}` });
    } else {
      settings[key] = value;
    }
  }
  const email = (form.triageEmail ?? '').trim();
  if (email && (!EMAIL.test(email) || email.length > 254)) {
    problems.push({ field: 'triageEmail', message: 'Enter the shared inbox’s email address in the correct format, like spa@example.org' });
  }
  settings.triageEmail = email || null;
  return { settings, problems };
}

/**
 * A short fingerprint of the settings. The settings form carries the one it was shown with, so a
 * save made from a page that is out of date (another administrator saved since) is refused
 * rather than quietly undoing their change.
 */
export function settingsFingerprint(settings: TenantSettings): string {
  const ordered = Object.fromEntries(Object.keys(settings).sort().map((k) => [k, settings[k as keyof TenantSettings]]));
  return crypto.createHash('sha256').update(JSON.stringify(ordered)).digest('hex').slice(0, 16);
}

/**
 * An administrator changes their tenant's settings; the change and what it was are audited. With
 * `expectedFingerprint` (from the form), a save from an out-of-date page is refused with 409.
 */
export async function updateTenantSettings(
  ctx: StaffContext,
  form: Record<string, string>,
  options: { expectedFingerprint?: string } = {},
): Promise<TenantSettings> {
  requireRole(ctx.actor, ['admin']);
  const { settings, problems } = readSettingsForm(form);
  if (problems.length) throw invalid(problems);
  await ctx.db.transaction(async (tx) => {
    const locked = await tx.query<{ settings: unknown }>('SELECT settings FROM tenants WHERE id = $1 FOR UPDATE', [ctx.actor.tenantId]);
    const before = settingsFrom(locked.rows[0]?.settings);
    if (options.expectedFingerprint !== undefined && options.expectedFingerprint !== settingsFingerprint(before)) {
      throw new AppError({
        status: 409,
        code: 'stale',
        message: 'Another administrator changed the settings while you had this page open, so yours have not been saved. The page now shows the settings as they are: make your changes again.',
      });
    }
    await tx.query('UPDATE tenants SET settings = settings || $2::jsonb WHERE id = $1', [ctx.actor.tenantId, JSON.stringify(settings)]);
    const changed = (Object.keys(settings) as (keyof TenantSettings)[]).filter((k) => before[k] !== settings[k]);
    await audit(tx, ctx, { action: 'tenant_settings_updated', recordType: 'tenant', recordId: ctx.actor.tenantId, outcome: 'success', detail: { changed } });
  });
  return settings;
}
