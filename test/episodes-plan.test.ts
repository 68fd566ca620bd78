// The support plan written with the person: what matters, strengths, goals with steps and
// progress. Two workers editing: a stale save is refused with a clear message and nothing is
// lost, for the plan's text and for a goal. Every form says what to fix, field by field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEmail, errorSummary, startTestApp, type TestApp, type TestClient } from './support/app.ts';
import { dateFields, personWithEpisode, type SupportedPerson } from './support/episodes.ts';
import { addDays } from '../src/domain/calendar-date.ts';
import { londonDate } from '../src/domain/working-days.ts';

let t: TestApp;
let nav: TestClient;
let nav3: TestClient;
const today = londonDate(new Date());

before(async () => {
  t = await startTestApp();
  nav = await t.signedIn(demoEmail('navigator'));
  nav3 = await t.signedIn(demoEmail('navigator3'));
});
after(() => t.close());

const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
const decode = (text: string) => text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** Posts a form from a page that was opened earlier (its CSRF token and version as they were). */
async function postFrom(client: TestClient, openedHtml: string, action: string, form: Record<string, string>) {
  return client.post(action, { _csrf: hidden(openedHtml, '_csrf'), version: hidden(openedHtml, 'version'), ...form });
}

async function newGoal(who: SupportedPerson, form: Record<string, string> = {}): Promise<string> {
  const response = await nav3.submit(`/episodes/${who.episodeId}/goals/new`, { description: 'Get out of the house twice a week', domain: 'community', ...form });
  assert.equal(response.statusCode, 303, errorSummary(response.body).join('; '));
  return /\/goals\/([0-9a-f-]{36})/.exec(response.headers.location as string)![1]!;
}

describe('the plan', () => {
  test('written with the person, shown on the episode page, with its review on the caseload', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3' });
    const review = addDays(today, 21);
    const saved = await nav3.submit(`/episodes/${who.episodeId}/plan`, {
      whatMatters: 'Being a good dad to Kai\nGetting back to the allotment', strengths: 'Practical, a loyal friend', ...dateFields('nextReviewOn', review),
    });
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, `/episodes/${who.episodeId}?done=plan`);
    const page = await nav3.get(saved.headers.location as string);
    assert.match(page.body, /Plan saved/);
    assert.match(page.body, /Being a good dad to Kai<br \/>\nGetting back to the allotment/);
    assert.match(page.body, /Practical, a loyal friend/);
    const summary = await t.db.query<{ plan_review_on: string }>('SELECT plan_review_on FROM episode_summaries WHERE episode_id = $1', [who.episodeId]);
    assert.equal(summary.rows[0]!.plan_review_on, review);
  });

  test('a stale save of the plan is refused, nothing is lost, and the worker saves deliberately after merging', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3' });
    const url = `/episodes/${who.episodeId}/plan`;
    // Both open the plan before it was ever saved.
    const formA = (await nav3.get(url)).body;
    const formB = (await nav.get(url)).body;
    const saveA = await postFrom(nav3, formA, url, { whatMatters: 'Seeing my sister every week', strengths: 'Funny' });
    assert.equal(saveA.statusCode, 303);
    const saveB = await postFrom(nav, formB, url, { whatMatters: 'Finding paid work', strengths: 'Good with numbers' });
    assert.equal(saveB.statusCode, 409);
    assert.match(saveB.body, /Someone else saved this plan while you were editing/);
    assert.deepEqual(errorSummary(saveB.body).map((e) => e.replace(/at \d\d:\d\d/, 'at HH:MM')), [
      '#whatMatters: Grace Adeyemi saved changes to this plan at HH:MM, after you opened it. Nothing you typed has been lost, and nothing has been saved yet. Compare your answers with what is saved now, shown above each one, then save again.',
    ]);
    assert.match(saveB.body, /<textarea[^>]*name="whatMatters"[^>]*>Finding paid work<\/textarea>/, 'what B typed is still in the form');
    assert.match(saveB.body, /<textarea[^>]*name="strengths"[^>]*>Good with numbers<\/textarea>/);
    assert.match(saveB.body, /What matters to them saved now:<\/strong><\/p>\s*<p[^>]*>Seeing my sister every week<\/p>/, 'beside what A saved');
    const stored = async () => (await t.db.query<{ what_matters: string; version: number }>('SELECT what_matters, version FROM support_plans WHERE episode_id = $1', [who.episodeId])).rows[0]!;
    assert.deepEqual(await stored(), { what_matters: 'Seeing my sister every week', version: 1 }, 'A’s plan was not overwritten');

    // B merges both and saves deliberately, with the version the refused page carried.
    assert.equal(hidden(saveB.body, 'version'), '1');
    const merged = await postFrom(nav, saveB.body, url, { whatMatters: 'Seeing my sister every week. Finding paid work', strengths: 'Funny, good with numbers' });
    assert.equal(merged.statusCode, 303);
    assert.deepEqual(await stored(), { what_matters: 'Seeing my sister every week. Finding paid work', version: 2 });

    // And again when both started from a saved version.
    const formC = (await nav3.get(url)).body;
    const formD = (await nav.get(url)).body;
    assert.equal((await postFrom(nav3, formC, url, { whatMatters: 'C', strengths: '' })).statusCode, 303);
    const staleD = await postFrom(nav, formD, url, { whatMatters: 'D', strengths: '' });
    assert.equal(staleD.statusCode, 409);
    assert.equal((await stored()).what_matters, 'C');
    const audit = await t.db.query<{ outcome: string; detail: { code: string } }>(
      `SELECT outcome, detail FROM audit_events WHERE action = 'plan.update' AND record_id = $1 ORDER BY id DESC LIMIT 1`, [who.episodeId],
    );
    assert.deepEqual([audit.rows[0]!.outcome, audit.rows[0]!.detail.code], ['failure', 'stale']);
  });

  test('says what to fix in the plan form', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3' });
    const url = `/episodes/${who.episodeId}/plan`;
    const cases: [Record<string, string>, string[]][] = [
      [{ whatMatters: '', strengths: '' }, ['#whatMatters: Enter what matters to them, or their strengths, in their own words']],
      [{ whatMatters: 'x'.repeat(5001), strengths: 'y'.repeat(5001) }, [
        '#whatMatters: What matters to them must be 5,000 characters or fewer', '#strengths: Their strengths must be 5,000 characters or fewer',
      ]],
      [{ whatMatters: 'Music', ...dateFields('nextReviewOn', addDays(today, -1)) }, ['#nextReviewOn-day: Next review date must be today or in the future']],
      [{ whatMatters: 'Music', ...dateFields('nextReviewOn', addDays(today, 800)) }, ['#nextReviewOn-day: Next review date must be within the next 2 years']],
      [{ whatMatters: 'Music', 'nextReviewOn-day': '31', 'nextReviewOn-month': '2', 'nextReviewOn-year': '2027' }, ['#nextReviewOn-day: The next review date must be a real date']],
      [{ whatMatters: 'Music', 'nextReviewOn-day': '3', 'nextReviewOn-year': '2027' }, ['#nextReviewOn-month: The next review date must include a month']],
      [{ whatMatters: 'Music', 'nextReviewOn-day': '3', 'nextReviewOn-month': '4', 'nextReviewOn-year': '27' }, ['#nextReviewOn-year: Year must include 4 numbers']],
    ];
    for (const [form, expected] of cases) {
      const response = await nav3.submit(url, form);
      assert.equal(response.statusCode, 400, JSON.stringify(form).slice(0, 80));
      assert.deepEqual(errorSummary(response.body).map(decode), expected);
      assert.match(response.body, /<title>Error: /);
    }
    const kept = await nav3.submit(url, { whatMatters: 'Music and <friends>', 'nextReviewOn-day': '40', 'nextReviewOn-month': '1', 'nextReviewOn-year': '2027' });
    assert.match(kept.body, />Music and &lt;friends&gt;<\/textarea>/, 'what was typed is kept, escaped');
    assert.match(kept.body, /name="nextReviewOn-day" type="text" value="40"/);
  });
});

describe('goals', () => {
  test('added in their own words in an outcome domain; sending the form twice makes one goal', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3' });
    const form = (await nav3.get(`/episodes/${who.episodeId}/goals/new`)).body;
    const fields = { description: 'Join a walking group', domain: 'healthy_living', ...dateFields('reviewOn', addDays(today, 30)) };
    const first = await postFrom(nav3, form, `/episodes/${who.episodeId}/goals/new`, { submission: hidden(form, 'submission'), ...fields });
    const again = await postFrom(nav3, form, `/episodes/${who.episodeId}/goals/new`, { submission: hidden(form, 'submission'), ...fields });
    assert.equal(first.statusCode, 303);
    assert.equal(again.headers.location, first.headers.location, 'the resubmission goes to the same goal');
    const count = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM goals WHERE episode_id = $1', [who.episodeId]);
    assert.equal(count.rows[0]!.n, 1);
    const page = await nav3.get(first.headers.location as string);
    assert.match(page.body, /Goal added\. Add the first step towards it\./);
    assert.match(page.body, /“Join a walking group”/);
    assert.match(page.body, /Healthy living/);
  });

  test('says what to fix in the goal forms', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3' });
    const empty = await nav3.submit(`/episodes/${who.episodeId}/goals/new`, { description: '', domain: '' });
    assert.equal(empty.statusCode, 400);
    assert.deepEqual(errorSummary(empty.body), [
      '#description: Enter the goal in their own words, like “I want to get out of the house twice a week”',
      '#domain: Select which outcome the goal is about',
    ]);
    const crafted = await nav3.submit(`/episodes/${who.episodeId}/goals/new`, { description: 'x', domain: 'world_domination' });
    assert.deepEqual(errorSummary(crafted.body), ['#domain: Select which outcome the goal is about']);
    const goalId = await newGoal(who);
    const kept = { description: 'Get out of the house twice a week', domain: 'community' };
    const stopped = await nav3.submit(`/episodes/${who.episodeId}/goals/${goalId}/edit`, { ...kept, status: 'stopped', stoppedReason: '' });
    assert.deepEqual(errorSummary(stopped.body), ['#stoppedReason: Say why the goal was stopped, in their words if you can']);
    const none = await nav3.submit(`/episodes/${who.episodeId}/goals/${goalId}/edit`, { ...kept, status: '' });
    assert.deepEqual(errorSummary(none.body), ['#status: Select whether they are working on the goal, achieved it or stopped']);
  });

  test('a stale save of a goal is refused, and what was typed is shown beside what is saved now', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3' });
    const goalId = await newGoal(who);
    const url = `/episodes/${who.episodeId}/goals/${goalId}/edit`;
    const formA = (await nav3.get(url)).body;
    const formB = (await nav.get(url)).body;
    const saveA = await postFrom(nav3, formA, url, { description: 'Go to the café on Tuesdays', domain: 'social_leisure', status: 'working_on', stoppedReason: '' });
    assert.equal(saveA.statusCode, 303);
    const saveB = await postFrom(nav, formB, url, { description: 'Leave the house twice a week', domain: 'community', status: 'achieved', stoppedReason: '' });
    assert.equal(saveB.statusCode, 409);
    assert.match(saveB.body, /Someone else saved this goal while you were editing/);
    assert.match(errorSummary(saveB.body)[0]!, /^#description: Grace Adeyemi saved changes to this goal at \d\d:\d\d, after you opened it\. Nothing you typed has been lost/);
    assert.match(saveB.body, /<textarea[^>]*name="description"[^>]*>Leave the house twice a week<\/textarea>/);
    assert.match(saveB.body, /The goal saved now:<\/strong><\/p>\s*<p[^>]*>Go to the café on Tuesdays<\/p>/);
    assert.match(saveB.body, /Outcome saved now:<\/strong><\/p>\s*<p[^>]*>Social and leisure<\/p>/);
    assert.match(saveB.body, /Status saved now:<\/strong><\/p>\s*<p[^>]*>Working on it<\/p>/);
    assert.match(saveB.body, /value="achieved" checked/, 'B’s choice is still chosen');
    const stored = async () => (await t.db.query<{ description: string; status: string; version: number }>('SELECT description, status, version FROM goals WHERE id = $1', [goalId])).rows[0]!;
    assert.deepEqual(await stored(), { description: 'Go to the café on Tuesdays', status: 'working_on', version: 2 });
    const merged = await postFrom(nav, saveB.body, url, { description: 'Go to the café on Tuesdays', domain: 'social_leisure', status: 'achieved', stoppedReason: '' });
    assert.equal(merged.statusCode, 303);
    assert.deepEqual(await stored(), { description: 'Go to the café on Tuesdays', status: 'achieved', version: 3 });
  });

  test('stopped with why, and no longer counted for reviews and follow-ups', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3' });
    const goalId = await newGoal(who, dateFields('reviewOn', addDays(today, 3)));
    const step = await nav3.submit(`/episodes/${who.episodeId}/goals/${goalId}/steps/new`, { description: 'Ring the café', owner: 'person', ...dateFields('dueOn', addDays(today, 1)) });
    assert.equal(step.statusCode, 303);
    const due = async () => (await t.db.query<{ goal_review_on: string | null; step_due_on: string | null }>('SELECT goal_review_on, step_due_on FROM episode_summaries WHERE episode_id = $1', [who.episodeId])).rows[0]!;
    assert.deepEqual(await due(), { goal_review_on: addDays(today, 3), step_due_on: addDays(today, 1) });
    const stopped = await nav3.submit(`/episodes/${who.episodeId}/goals/${goalId}/edit`, {
      description: 'Get out of the house twice a week', domain: 'community', ...dateFields('reviewOn', addDays(today, 3)), status: 'stopped', stoppedReason: 'Moved away from the café',
    });
    assert.equal(stopped.statusCode, 303);
    const page = await nav3.get(`/episodes/${who.episodeId}/goals/${goalId}`);
    assert.match(page.body, /Stopped: Moved away from the café/);
    assert.deepEqual(await due(), { goal_review_on: null, step_due_on: null });
  });
});

describe('steps and progress', () => {
  test('steps say who does what by when, and are marked done', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3' });
    const goalId = await newGoal(who);
    const base = `/episodes/${who.episodeId}/goals/${goalId}`;
    assert.equal((await nav3.submit(`${base}/steps/new`, { description: 'Visit the Men’s Shed', owner: 'other', ownerName: 'Dartford Men’s Shed volunteer', ...dateFields('dueOn', addDays(today, 7)) })).statusCode, 303);
    assert.equal((await nav3.submit(`${base}/steps/new`, { description: 'Lend walking boots', owner: 'carer', ownerName: 'Jo, his sister' })).statusCode, 303);
    const page = await nav3.get(base);
    assert.match(page.body, /Dartford Men’s Shed volunteer/);
    assert.match(page.body, /A carer \(Jo, his sister\)/);
    const stepId = /id="step-([0-9a-f-]{36})"/.exec(page.body)![1]!;
    // Marked done from the goal's page; a second click from the same, now stale, page is refused.
    const done = await postFrom(nav3, page.body, `${base}/steps/${stepId}/done`, { version: '1' });
    assert.equal(done.statusCode, 303);
    const again = await postFrom(nav3, page.body, `${base}/steps/${stepId}/done`, { version: '1' });
    assert.equal(again.statusCode, 409);
    assert.deepEqual(errorSummary(again.body), [`#step-${stepId}: Someone else changed this step after you opened the page. Check it as it is now, below, then try again.`]);
    assert.match((await nav3.get(base)).body, /Done \d+ \w+ \d{4}/);
    const row = await t.db.query<{ done_at: Date | null }>('SELECT done_at FROM goal_steps WHERE id = $1', [stepId]);
    assert.ok(row.rows[0]!.done_at);
  });

  test('says what to fix in the step form', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3' });
    const goalId = await newGoal(who);
    const base = `/episodes/${who.episodeId}/goals/${goalId}`;
    const empty = await nav3.submit(`${base}/steps/new`, { description: '', owner: '' });
    assert.deepEqual(errorSummary(empty.body), [
      '#description: Enter what will be done, like “Phone the Men’s Shed to ask about Tuesdays”',
      '#owner: Select who will do it',
    ]);
    const unnamed = await nav3.submit(`${base}/steps/new`, { description: 'Ask about courses', owner: 'other', ownerName: ' ' });
    assert.deepEqual(errorSummary(unnamed.body), ['#ownerName: Enter who will do it, like “Jobcentre work coach”']);
    const past = await nav3.submit(`${base}/steps/new`, { description: 'Ask about courses', owner: 'person', ...dateFields('dueOn', addDays(today, -2)) });
    assert.deepEqual(errorSummary(past.body), ['#dueOn-day: Date it is due must be today or in the future']);
  });

  test('progress from 0 to 10 over time, with the change since the first rating', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3', startedAt: new Date(Date.now() - 60 * 86_400_000) });
    const goalId = await newGoal(who);
    const base = `/episodes/${who.episodeId}/goals/${goalId}`;
    for (const [daysAgo, rating, note] of [[40, '3', 'Hard to start'], [10, '4', ''], [20, '6', 'Went twice']] as const) {
      const saved = await nav3.submit(`${base}/progress/new`, { rating, note, ...dateFields('ratedOn', addDays(today, -daysAgo)) });
      assert.equal(saved.statusCode, 303, errorSummary(saved.body).join());
    }
    const page = await nav3.get(`${base}?done=progress`);
    assert.match(page.body, /Progress recorded/);
    assert.match(page.body, /<strong>Up 1 point since the first rating<\/strong>: from 3 out of 10 on [^<]+ to 4 out of 10 on /);
    const ratings = [...page.body.matchAll(/<td class="nhsuk-table__cell">(\d+) out of 10<\/td>/g)].map((m) => m[1]);
    assert.deepEqual(ratings, ['3', '6', '4'], 'oldest first, by the date of the rating');
    const summary = await nav3.get(`/people/${who.personId}`);
    assert.match(summary.body, /Latest rating 4 out of 10 on [^:]+: up 1 point since the first rating\./);
  });

  test('says what to fix in the progress form', async () => {
    const started = addDays(today, -5);
    const who = await personWithEpisode(t.db, { worker: 'navigator3', startedAt: new Date(`${started}T12:00:00Z`) });
    const goalId = await newGoal(who);
    const url = `/episodes/${who.episodeId}/goals/${goalId}/progress/new`;
    const none = await nav3.submit(url, { rating: '', ...dateFields('ratedOn', today) });
    assert.deepEqual(errorSummary(none.body), ['#rating: Select how close they feel to the goal, from 0 to 10']);
    const eleven = await nav3.submit(url, { rating: '11', ...dateFields('ratedOn', today) });
    assert.deepEqual(errorSummary(eleven.body), ['#rating: Select how close they feel to the goal, from 0 to 10']);
    const future = await nav3.submit(url, { rating: '5', ...dateFields('ratedOn', addDays(today, 1)) });
    assert.deepEqual(errorSummary(future.body), ['#ratedOn-day: The date of the rating must be today or in the past']);
    const early = await nav3.submit(url, { rating: '5', ...dateFields('ratedOn', addDays(today, -6)) });
    assert.match(errorSummary(early.body)[0]!, /^#ratedOn-day: The date of the rating must be on or after the day support started \(\d+ \w+ \d{4}\)$/);
    const noDate = await nav3.submit(url, { rating: '5' });
    assert.deepEqual(errorSummary(noDate.body), ['#ratedOn-day: Enter the date of the rating']);
    assert.match(noDate.body, /value="5" checked/, 'the rating chosen is kept');
  });
});
