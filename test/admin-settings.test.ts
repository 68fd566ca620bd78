// The tenant's settings page: every setting with what it changes, errors by field, an audited save
// that changes what happens next (a new referral's deadline), never another tenant's, and a save
// from an out-of-date page refused rather than undoing another administrator's change.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEmail, errorSummary, startTestApp, type TestApp, type TestClient } from './support/app.ts';
import { ApiCaller, keyFor, referralBody } from './support/api.ts';
import { DEFAULT_SETTINGS, getTenantSettings, NUMBER_SETTINGS, type TenantSettings } from '../src/platform/tenant-settings.ts';
import { SETTING_EFFECTS } from '../src/features/admin/settings.ts';
import { addDays } from '../src/domain/calendar-date.ts';
import { addWorkingDays, londonDate, startOfLondonDay } from '../src/domain/working-days.ts';

let t: TestApp;
let admin: TestClient;

before(async () => {
  t = await startTestApp({ people: 0 });
  admin = await t.signedIn(demoEmail('admin'));
});
after(() => t.close());

/** The whole form as the page would send it: the current settings with some changed. */
async function form(changes: Partial<Record<keyof TenantSettings, string>>, tenant = 'kent'): Promise<Record<string, string>> {
  const current = await getTenantSettings(t.db, tenant);
  const values = Object.fromEntries(Object.entries(current).map(([k, v]) => [k, v === null ? '' : String(v)]));
  return { ...values, ...changes };
}

const decode = (html: string) => html.replace(/&#39;/g, '\'').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

describe('tenant settings', () => {
  test('every setting is on the page with its current value and what it changes, for administrators only', async () => {
    const page = await admin.get('/admin/settings');
    assert.equal(page.statusCode, 200);
    const body = decode(page.body);
    const settings = await getTenantSettings(t.db, 'kent');
    for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof TenantSettings)[]) {
      assert.match(body, new RegExp(`id="${key}" name="${key}"[^>]*value="${String(settings[key] ?? '').replace(/[.]/g, '\\.')}"`), `${key} is on the form with its value`);
      assert.ok(body.includes(SETTING_EFFECTS[key]), `${key} says what it changes`);
    }
    assert.ok(body.includes(NUMBER_SETTINGS.routineContactWorkingDays.label));
    assert.match(body, /Referrals already received keep the deadlines they were given\./);
    for (const role of ['triage', 'navigator', 'commissioner', 'referrer']) {
      const other = await t.signedIn(demoEmail(role));
      assert.equal((await other.get('/admin/settings')).statusCode, 403, role);
      assert.equal((await other.post('/admin/settings', await form({ serviceName: 'Hijacked' }))).statusCode, 403, role);
    }
  });

  test('each problem is shown by its field, with what was typed, and nothing is saved', async () => {
    const before = await getTenantSettings(t.db, 'kent');
    const response = await admin.submit('/admin/settings', await form({
      serviceName: ' ', minimumAge: 'seventeen', routineContactWorkingDays: '0', triageEmail: 'spa@', comeBackMonths: '61',
    }));
    assert.equal(response.statusCode, 400);
    assert.deepEqual(errorSummary(decode(response.body)), [
      '#serviceName: Enter the name people know the service by, like Live Well Kent',
      '#minimumAge: Youngest age the service is for: enter a whole number from 0 to 120',
      '#routineContactWorkingDays: First contact for a routine referral within (working days): enter a whole number from 1 to 60',
      '#comeBackMonths: People discharged can come back without joining the queue for (months): enter a whole number from 0 to 60',
      '#triageEmail: Enter the shared inbox’s email address in the correct format, like spa@example.org',
    ]);
    assert.match(response.body, /id="minimumAge-error"/, 'the message is beside the field');
    assert.match(response.body, /value="seventeen"/, 'what was typed is kept');
    assert.deepEqual(await getTenantSettings(t.db, 'kent'), before);
  });

  test('a save is audited, shown as saved, and changes the deadline of the next referral; other tenants are untouched', async () => {
    const kingstonBefore = await getTenantSettings(t.db, 'kingston');
    const caller = new ApiCaller(t, (await keyFor(t.db, 'kent', 'Riverside Surgery (demo)')).key);
    const dueFor = async (days: number) => {
      const saved = await admin.submit('/admin/settings', await form({ routineContactWorkingDays: String(days), serviceName: 'Live Well Kent and Medway' }));
      assert.equal(saved.statusCode, 303);
      assert.equal(saved.headers.location, '/admin/settings?saved=1');
      const sent = await caller.submit(referralBody({ urgency: 'routine' }));
      assert.equal(sent.status, 201);
      const { rows } = await t.db.query<{ due_at: Date; received_at: Date }>('SELECT due_at, received_at FROM referrals WHERE id = $1', [sent.body.id]);
      const r = rows[0]!;
      // Due at the end of the Nth working day after the UK day it arrived.
      assert.equal(r.due_at.toISOString(), startOfLondonDay(addDays(addWorkingDays(londonDate(r.received_at), days), 1)).toISOString());
      return r.due_at;
    };
    const soon = await dueFor(2);
    const later = await dueFor(10);
    assert.ok(later.getTime() - soon.getTime() >= 7 * 86_400_000, 'eight more working days is at least a week and a bit later');

    const shown = await admin.get('/admin/settings?saved=1');
    assert.match(shown.body, /Settings saved\. Lantern uses them from now on\./);
    assert.match(shown.body, /id="routineContactWorkingDays" name="routineContactWorkingDays"[^>]*value="10"/);
    const settings = await getTenantSettings(t.db, 'kent');
    assert.equal(settings.routineContactWorkingDays, 10);
    assert.equal(settings.serviceName, 'Live Well Kent and Medway');
    const ack = await t.db.query<{ body: string }>("SELECT personalisation->>'body' AS body FROM notifications ORDER BY created_at DESC LIMIT 1");
    assert.match(ack.rows[0]!.body, /Live Well Kent and Medway received your referral/, 'messages use the new name');

    const audits = await t.db.query<{ actor_role: string; record_id: string; detail: { changed: string[] } }>(
      "SELECT actor_role, record_id, detail FROM audit_events WHERE action = 'tenant_settings_updated' ORDER BY id",
    );
    assert.deepEqual(audits.rows.map((r) => [r.actor_role, r.record_id, r.detail.changed]), [
      ['admin', 'kent', ['serviceName', 'routineContactWorkingDays']],
      ['admin', 'kent', ['routineContactWorkingDays']],
    ]);
    assert.deepEqual(await getTenantSettings(t.db, 'kingston'), kingstonBefore);
  });

  test('a save from a page another administrator has since changed is refused, showing the settings as they are now', async () => {
    const stalePage = await admin.get('/admin/settings');
    const hidden = Object.fromEntries([...stalePage.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
    const other = await t.signedIn(demoEmail('admin'));
    assert.equal((await other.submit('/admin/settings', await form({ noContactReminderDays: '9' }))).statusCode, 303);

    const refused = await admin.post('/admin/settings', { ...hidden, ...(await form({ noContactReminderDays: '4', minimumAge: '18' })) });
    assert.equal(refused.statusCode, 409);
    assert.deepEqual(errorSummary(decode(refused.body)), [
      '#serviceName: Another administrator changed the settings while you had this page open, so yours have not been saved. The page now shows the settings as they are: make your changes again.',
    ]);
    assert.match(refused.body, /id="noContactReminderDays" name="noContactReminderDays"[^>]*value="9"/);
    const settings = await getTenantSettings(t.db, 'kent');
    assert.equal(settings.noContactReminderDays, 9);
    assert.equal(settings.minimumAge, 17);

    const retried = await admin.submit('/admin/settings', await form({ minimumAge: '18' }));
    assert.equal(retried.statusCode, 303, 'from the page as it is now, the save goes through');
    assert.equal((await getTenantSettings(t.db, 'kent')).minimumAge, 18);
  });
});
