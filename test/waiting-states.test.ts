// The referral state machine through the real routes: every referral state against every action
// the waiting list's forms take (sign up, close as unable to sign up, reopen, return to triage).
// An allowed move succeeds and moves the referral to the state src/domain/referral-states.ts
// says; an impossible one is refused with the domain's own message (409), writes nothing but the
// audit of the refusal, and leaves the version as it was. (Routing, redirecting and withdrawing
// are the triage forms' and are walked in their tests; the property tests of the state machine
// itself are in src/domain/referral-states.test.ts.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { REFERRAL_STATES, STATE_LABELS, transition, type ReferralAction, type ReferralState } from '../src/domain/referral-states.ts';
import { demoEmail, startTestApp, type TestApp, type TestClient } from './support/app.ts';
import { moveReferral, referralSubmission, staffIdOf, submitTestReferral, waitingReferral } from './support/referrals.ts';
import { signUp } from '../src/features/referrals/waiting/service.ts';
import { staffContextFor } from './support/referrals.ts';

let t: TestApp;
let triage: TestClient;
let csrf: string;
let tom: string;

before(async () => {
  t = await startTestApp();
  triage = await t.signedIn(demoEmail('triage'));
  csrf = /name="_csrf" value="([^"]+)"/.exec((await triage.get('/account/password')).body)![1]!;
  tom = await staffIdOf(t.db, demoEmail('navigator'));
});
after(() => t.close());

const ACTION_PATHS: Partial<Record<ReferralAction, string>> = {
  sign_up: 'sign-up',
  unable_to_sign_up: 'unable',
  reopen: 'reopen',
  return_to_triage: 'return-to-triage',
};

function todayParts(): { day: string; month: string; year: string } {
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date()).split('-');
  return { day: String(Number(day)), month: String(Number(month)), year: year! };
}

/** A valid form for each action, so that only the state can be the reason for a refusal. */
function formFor(action: ReferralAction, version: number): Record<string, string> {
  const base = { _csrf: csrf, version: String(version) };
  switch (action) {
    case 'sign_up': return { ...base, worker: tom, formKey: crypto.randomUUID(), ...todayParts() };
    case 'unable_to_sign_up': return { ...base, reason: 'declined', note: 'They said no, thank you' };
    case 'reopen': return { ...base, note: 'They called back' };
    case 'return_to_triage': return { ...base, note: 'Not one for us' };
    default: throw new Error(`no form for ${action}`);
  }
}

/** A new referral in `state`, made through the core (and the sign-up service), routed to Porchlight unless received. */
async function referralIn(state: ReferralState, fastTrack = false, routed = state !== 'received'): Promise<string> {
  if (!routed) {
    const id = (await submitTestReferral(t.db, 'kent', referralSubmission({ fastTrack }))).id;
    // Closed from triage without ever being routed (reopening puts it back in triage).
    if (state === 'unable_to_sign_up') await moveReferral(t.db, id, 'unable_to_sign_up', { closedAt: new Date(), closeReason: 'insufficient_information' });
    return id;
  }
  const referral = await waitingReferral(t.db, demoEmail('navigator'));
  const closedAt = new Date();
  switch (state) {
    case 'waiting': break;
    case 'signed_up': {
      const navigator = await staffContextFor(t.db, demoEmail('navigator'));
      await signUp(navigator, referral.id, { worker: tom, ...todayParts(), version: '2', formKey: crypto.randomUUID() });
      break;
    }
    case 'unable_to_sign_up': await moveReferral(t.db, referral.id, 'unable_to_sign_up', { closedAt, closeReason: 'declined' }); break;
    case 'redirected': await moveReferral(t.db, referral.id, 'redirect', { redirectServiceName: 'Another service', redirectNote: 'fits better' }); break;
    case 'withdrawn': await moveReferral(t.db, referral.id, 'withdraw', { closedAt, closeReason: 'duplicate' }); break;
  }
  return referral.id;
}

/** Everything a request could have written about the referral, to compare before and after. */
async function snapshot(id: string) {
  const referral = await t.db.query(`SELECT to_jsonb(r) - 'updated_at' AS row FROM referrals r WHERE id = $1`, [id]);
  const counts = await t.db.query<{ events: number; attempts: number; episodes: number; grants: number; audits: number; failures: number }>(
    `SELECT (SELECT count(*) FROM referral_events WHERE referral_id = $1) AS events,
            (SELECT count(*) FROM referral_contact_attempts WHERE referral_id = $1) AS attempts,
            (SELECT count(*) FROM episodes WHERE referral_id = $1) AS episodes,
            (SELECT count(*) FROM person_access WHERE source_id = $1 AND ended_at IS NULL) AS grants,
            (SELECT count(*) FROM audit_events WHERE record_id = $1::text) AS audits,
            (SELECT count(*) FROM audit_events WHERE record_id = $1::text AND outcome = 'failure') AS failures`,
    [id],
  );
  const c = counts.rows[0]!;
  return { row: referral.rows[0] as { row: { state: ReferralState; version: number } }, events: Number(c.events), attempts: Number(c.attempts), episodes: Number(c.episodes), grants: Number(c.grants), audits: Number(c.audits), failures: Number(c.failures) };
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const cases: { state: ReferralState; fastTrack: boolean; routed: boolean; action: ReferralAction }[] = [
  ...REFERRAL_STATES.flatMap((state) => (Object.keys(ACTION_PATHS) as ReferralAction[]).map((action) => ({ state, fastTrack: false, routed: state !== 'received', action }))),
  { state: 'received', fastTrack: true, routed: false, action: 'sign_up' },
  { state: 'unable_to_sign_up', fastTrack: false, routed: false, action: 'reopen' },
];

describe('every state against every waiting-list action, through the routes', () => {
  for (const { state, fastTrack, routed, action } of cases) {
    const expected = transition(state, action, { routed, fastTrack });
    const variant = fastTrack ? ' (fast track)' : state !== 'received' && !routed ? ' (never routed)' : '';
    const label = `${STATE_LABELS[state]}${variant}: ${action} is ${expected.ok ? `allowed, to ${expected.to}` : 'refused'}`;

    test(label, async () => {
      const id = await referralIn(state, fastTrack, routed);
      const before = await snapshot(id);
      const version = before.row.row.version;
      const path = `/referrals/${id}/${ACTION_PATHS[action]}`;

      const form = await triage.get(path);
      const response = await triage.post(path, formFor(action, version));
      const after = await snapshot(id);

      if (expected.ok) {
        assert.equal(form.statusCode, 200, 'the form opens');
        assert.equal(response.statusCode, 303, response.body.slice(0, 300));
        assert.equal(after.row.row.state, expected.to);
        assert.equal(after.row.row.version, version + 1);
        assert.equal(after.events, before.events + 1);
        if (action === 'sign_up') assert.equal(after.episodes, 1);
      } else {
        const message = escapeHtml(expected.message);
        assert.equal(form.statusCode, 409, 'the form says it cannot be used');
        assert.ok(form.body.includes(message), `the form page gives the domain's message: ${expected.message}`);
        assert.equal(response.statusCode, 409);
        assert.ok(response.body.includes(message), `the refusal gives the domain's message: ${expected.message}`);
        assert.deepEqual(after.row, before.row, 'the referral is unchanged, version included');
        assert.deepEqual(
          { events: after.events, attempts: after.attempts, episodes: after.episodes, grants: after.grants },
          { events: before.events, attempts: before.attempts, episodes: before.episodes, grants: before.grants },
          'nothing else was written',
        );
        assert.equal(after.audits, before.audits + 2, 'only the two refusals (opening the form, sending it) are written');
        assert.equal(after.failures, before.failures + 2);
        const refusal = await t.db.query<{ detail: { code: string; message: string }; basis: string }>(
          `SELECT detail, basis FROM audit_events WHERE record_id = $1 ORDER BY id DESC LIMIT 1`, [id],
        );
        assert.deepEqual(refusal.rows[0]!.detail, { code: 'invalid_transition', message: expected.message });
        assert.equal(refusal.rows[0]!.basis, 'single point of access');
      }
    });
  }
});
