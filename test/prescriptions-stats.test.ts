// Provider response times and acceptance rates against values worked out by hand: prescriptions
// sent and answered at known times (over a weekend, Easter and the early May bank holiday), a
// quarter of the financial year, the last 3 months, small numbers shown as "fewer than 5".
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.ts';
import { demoEmail, openTestEpisode, organisationId, saveTestListings, SHED_LISTING, staffContext } from './support/prescriptions.ts';
import { prescribe, providerResponseTimes, takeAction, type ProviderResponseTimes } from '../src/features/prescriptions/service.ts';
import type { StaffContext } from '../src/platform/context.ts';

let t: TestApp;
let navigator: StaffContext;
let shedProvider: StaffContext;
let shed: string;
let sport: string;
const baseUrl = 'http://lantern.test';

/** Sends a prescription at `sentAt` and, if given, answers it at `answeredAt`. */
async function sent(target: { listing?: string; organisation?: string }, sentAt: string, answer?: { action: 'accept' | 'decline' | 'withdraw'; at: string; as?: StaffContext }): Promise<string> {
  const episode = await openTestEpisode(t.db);
  const form: Record<string, string> = target.listing ? { target: `service:${target.listing}` } : { target: 'provider', providerOrganisationId: target.organisation! };
  const { prescription } = await prescribe(navigator, episode.episodeId, { ...form, note: 'x' }, { baseUrl, now: new Date(sentAt) });
  if (answer) {
    const by = answer.action === 'withdraw' ? navigator : (answer.as ?? shedProvider);
    await takeAction(by, prescription.id, answer.action, { version: String(prescription.version), reason: answer.action === 'decline' ? 'full' : 'changed_mind', note: '' }, { baseUrl, now: new Date(answer.at) });
  }
  return prescription.id;
}

const NOW = new Date('2025-06-02T11:00:00Z'); // Monday 2 June 2025, noon in London
let quarter: ProviderResponseTimes;

before(async () => {
  t = await startTestApp({ people: 60 });
  await saveTestListings(t.db);
  navigator = await staffContext(t.db, demoEmail('navigator'));
  shedProvider = await staffContext(t.db, demoEmail('provider'));
  shed = await organisationId(t.db, 'Dartford Men');
  sport = await organisationId(t.db, 'Kent Sport');
  const sportProvider = { ...shedProvider, actor: { ...shedProvider.actor, organisationId: sport } };
  const S = { listing: SHED_LISTING };
  // Dartford Men's Shed (times in BST, written in UTC), with the working time each answer took:
  await sent(S, '2025-04-07T08:00:00Z', { action: 'accept', at: '2025-04-07T14:00:00Z' }); // Mon 09:00 to 15:00: 6 h = 0.25
  await sent(S, '2025-04-11T15:00:00Z', { action: 'accept', at: '2025-04-14T09:00:00Z' }); // Fri 16:00 to Mon 10:00: 8 h + 10 h = 0.75
  await sent(S, '2025-04-17T11:00:00Z', { action: 'decline', at: '2025-04-22T11:00:00Z' }); // Thu 12:00 to Tue 12:00 over Easter: 12 h + 12 h = 1
  await sent(S, '2025-04-23T08:00:00Z', { action: 'accept', at: '2025-04-23T08:30:00Z' }); // half an hour = 0.0208
  await sent(S, '2025-05-05T09:00:00Z', { action: 'accept', at: '2025-05-06T09:00:00Z' }); // bank holiday Monday to Tue 10:00: 10 h = 0.4167
  await sent(S, '2025-05-13T09:00:00Z', { action: 'decline', at: '2025-05-15T09:00:00Z' }); // Tue to Thu: 48 h = 2
  await sent(S, '2025-05-19T09:00:00Z'); // not answered
  await sent(S, '2025-03-30T09:00:00Z', { action: 'accept', at: '2025-03-31T09:00:00Z' }); // the quarter before
  // Kent Sport, sent directly: two answered, one withdrawn before an answer.
  const K = { organisation: sport };
  await sent(K, '2025-04-08T09:00:00Z', { action: 'accept', at: '2025-04-08T12:00:00Z', as: sportProvider }); // 3 h = 0.125
  await sent(K, '2025-04-08T09:00:00Z', { action: 'decline', at: '2025-04-09T09:00:00Z', as: sportProvider }); // 24 h = 1
  await sent(K, '2025-04-10T09:00:00Z', { action: 'withdraw', at: '2025-04-20T09:00:00Z' });
  quarter = await providerResponseTimes(navigator, { period: 'quarter-2025-04' }, NOW);
});
after(() => t.close());

const close = (actual: number | null, expected: number, what: string) => assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} is not ${expected}`);

describe('a quarter: April to June 2025', () => {
  test('the quarter chosen, and the others offered', () => {
    assert.equal(quarter.period.label, 'April to June 2025 (quarter 1 of 2025 to 2026, so far)');
    assert.deepEqual(quarter.periods.map((p) => p.key).slice(0, 3), ['last-3-months', 'quarter-2025-04', 'quarter-2025-01']);
  });

  test('Dartford Men’s Shed: 7 received, 6 answered, median 0.5833 working days, 4 of 6 accepted (30.0% to 90.3%)', () => {
    const row = quarter.providers.find((p) => p.organisationId === shed)!;
    assert.equal(row.name, "Dartford Men's Shed (demo)");
    assert.equal(row.summary.received, 7);
    assert.equal(row.summary.answered, 6);
    assert.equal(row.summary.accepted, 4);
    assert.equal(row.summary.unanswered, 1);
    // Sorted: 0.0208, 0.25, 0.4167, 0.75, 1, 2; the median is the mean of 0.4167 and 0.75.
    close(row.summary.medianWorkingDays, (10 / 24 + 0.75) / 2, 'median');
    assert.ok(row.summary.acceptance.shown);
    if (!row.summary.acceptance.shown) return;
    close(row.summary.acceptance.rate, 4 / 6, 'rate');
    assert.equal(row.summary.acceptance.lower.toFixed(4), '0.3000');
    assert.equal(row.summary.acceptance.upper.toFixed(4), '0.9032');
  });

  test('Kent Sport: 3 received, 2 answered: fewer than 5, so no rate', () => {
    const row = quarter.providers.find((p) => p.organisationId === sport)!;
    assert.deepEqual([row.summary.received, row.summary.answered, row.summary.accepted], [3, 2, 1]);
    close(row.summary.medianWorkingDays, (0.125 + 1) / 2, 'median');
    assert.deepEqual(row.summary.acceptance, { shown: false, answered: 2, reason: 'fewer than 5' });
  });

  test('every delivery network provider is listed, with nothing received shown as such', () => {
    const names = quarter.providers.map((p) => p.name);
    assert.ok(names.includes('Ashford Walking for Health (demo)'));
    assert.deepEqual([...names].sort((a, b) => a.localeCompare(b, 'en-GB')), names, 'by name');
    const ashford = quarter.providers.find((p) => p.name.startsWith('Ashford'))!;
    assert.deepEqual([ashford.summary.received, ashford.summary.medianWorkingDays], [0, null]);
    assert.deepEqual(ashford.summary.acceptance, { shown: false, answered: 0, reason: 'none answered' });
  });

  test('all providers: 10 received, 8 answered, 5 accepted (30.6% to 86.3%)', () => {
    const total = quarter.total.summary;
    assert.deepEqual([total.received, total.answered, total.accepted], [10, 8, 5]);
    close(total.medianWorkingDays, (10 / 24 + 0.75) / 2, 'median');
    assert.ok(total.acceptance.shown);
    if (!total.acceptance.shown) return;
    assert.equal(total.acceptance.lower.toFixed(4), '0.3057');
    assert.equal(total.acceptance.upper.toFixed(4), '0.8632');
  });
});

describe('the last 3 months (the default)', () => {
  test('2 March to 2 June 2025 takes in the one sent on 30 March too', async () => {
    const report = await providerResponseTimes(navigator, {}, NOW);
    assert.equal(report.period.label, 'The last 3 months (2 March to 2 June 2025)');
    const row = report.providers.find((p) => p.organisationId === shed)!;
    assert.deepEqual([row.summary.received, row.summary.answered, row.summary.accepted], [8, 7, 5]);
    // Sunday 30 March 10:00 BST to Monday 31 March 10:00 BST: only Monday's 10 hours count.
    // Sorted: 0.0208, 0.25, 0.4167, 0.4167, 0.75, 1, 2: the median is the fourth.
    close(row.summary.medianWorkingDays, 10 / 24, 'median');
  });
});

describe('the page', () => {
  test('shows rates with their intervals, "fewer than 5", and says time is in working days; a commissioner sees counts rounded', async () => {
    // Five answers for one provider, made now, so they fall in the page's default period.
    const walkers = await organisationId(t.db, 'Ashford Walking');
    const walkersProvider = { ...shedProvider, actor: { ...shedProvider.actor, organisationId: walkers } };
    const now = new Date().toISOString();
    for (const action of ['accept', 'accept', 'accept', 'decline', 'decline'] as const) {
      await sent({ organisation: walkers }, now, { action, at: now, as: walkersProvider });
    }
    const client = await t.signedIn(demoEmail('navigator'));
    const page = await client.get('/prescriptions/providers');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Median time to answer, in working days/);
    assert.match(page.body, /Accepted, of those answered \(95% confidence interval\)/);
    // 3 of 5: 60%, Wilson 95% 23.1% to 88.2%.
    const row = /Ashford Walking for Health \(demo\)<\/th>([\s\S]*?)<\/tr>/.exec(page.body)![1]!;
    assert.match(row, />5<\/td>[\s\S]*>5<\/td>/);
    assert.match(row, /60%<br><span class="nhsuk-body-s">23% to 88%<\/span>/);
    assert.match(page.body, /Fewer than 5 answered|None answered/);
    const quarterPage = await client.get('/prescriptions/providers?period=no-such-period');
    assert.match(quarterPage.body, /Prescriptions sent in the last 3 months/);
    assert.doesNotMatch(page.body, /Counts are rounded/, 'a navigator sees exact counts');

    // A commissioner sees the same row rounded, and no rate: 3 accepted is a count of 7 or fewer.
    const commissioner = await (await t.signedIn(demoEmail('commissioner'))).get('/prescriptions/providers');
    assert.equal(commissioner.statusCode, 200);
    assert.match(commissioner.body, /Counts are rounded to protect people’s privacy/);
    const rounded = /Ashford Walking for Health \(demo\)<\/th>([\s\S]*?)<\/tr>/.exec(commissioner.body)![1]!;
    assert.match(rounded, /Not shown: too few to share/);
    assert.doesNotMatch(rounded, /60%|Fewer than 5/);
    assert.doesNotMatch(commissioner.body, /Fewer than 5 answered/, 'saying "fewer than 5" would tell a small number');
    const counts = [...commissioner.body.matchAll(/nhsuk-table__cell--numeric">(?:<strong>)?([\d,]+)(?:<\/strong>)?<\/td>/g)].map((m) => Number(m[1]!.replace(/,/g, '')));
    assert.ok(counts.length > 0 && counts.every((n) => n % 5 === 0), `every count a multiple of 5: ${counts.join(' ')}`);
  });
});
