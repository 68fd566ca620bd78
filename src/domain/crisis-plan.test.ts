import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  MAX_CONTACTS, changedParts, contactField, contactRowCount, contactsFrom, crisisPlanFormValues, isCallableNumber, parseCrisisPlanForm, telHref,
  type CrisisPlanContent,
} from './crisis-plan.ts';

const TODAY = '2026-03-10';
const reviewed = { reviewedDay: '9', reviewedMonth: '3', reviewedYear: '2026' };

describe('crisis plan form', () => {
  test('reads the parts, ignores blank rows of who to call, and keeps the date gone through', () => {
    const result = parseCrisisPlanForm({
      warningSigns: ' Not sleeping, stop answering the phone ', whatHelps: 'A walk with Jo', whatToAvoid: '',
      [contactField(1, 'name')]: 'Jo Smith', [contactField(1, 'role')]: 'My sister', [contactField(1, 'phone')]: '07700 900 123',
      [contactField(3, 'name')]: 'Release the Pressure', [contactField(3, 'phone')]: '0800 107 0160',
      ...reviewed,
    }, TODAY);
    assert.deepEqual(result, {
      ok: true,
      value: {
        warningSigns: 'Not sleeping, stop answering the phone', whatHelps: 'A walk with Jo', whatToAvoid: '',
        contacts: [
          { name: 'Jo Smith', role: 'My sister', phone: '07700 900 123' },
          { name: 'Release the Pressure', role: '', phone: '0800 107 0160' },
        ],
        reviewedOn: '2026-03-09',
      },
    });
  });

  test('says what is missing, for each row, and refuses a date in the future', () => {
    const result = parseCrisisPlanForm({
      [contactField(2, 'role')]: 'GP surgery', [contactField(4, 'name')]: 'Sam', [contactField(4, 'phone')]: 'call him',
      reviewedDay: '11', reviewedMonth: '3', reviewedYear: '2026',
    }, TODAY);
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.problems, [
      { field: 'contact-2-name', message: 'Enter the name of contact 2' },
      { field: 'contact-2-phone', message: 'Enter a phone number for contact 2' },
      { field: 'contact-4-phone', message: 'Enter a phone number for contact 4 like 01632 960 001, 07700 900 982 or 111' },
      { field: 'reviewed-day', message: 'The date you went through the plan with them must be today or in the past' },
    ]);
  });

  test('an empty plan is refused with one message, and the date is required', () => {
    const result = parseCrisisPlanForm({}, TODAY);
    assert.deepEqual(!result.ok && result.problems.map((p) => p.field), ['warningSigns', 'reviewed-day']);
  });

  test('numbers people call: UK numbers and short ones; tel links hold digits only', () => {
    for (const ok of ['111', '116 123', '999', '01632 960 001', '+44 7700 900123', '(01632) 960-001']) assert.ok(isCallableNumber(ok), ok);
    for (const bad of ['12', 'call me', '0163296', '+1 555 0100 100']) assert.equal(isCallableNumber(bad), false, bad);
    assert.equal(telHref('+44 (0)7700 900 123'), 'tel:+4407700900123');
    assert.equal(telHref('116 123'), 'tel:116123');
  });

  test('the form opens with the plan filled in and two blank rows to add someone', () => {
    const plan: CrisisPlanContent = { warningSigns: 'a', whatHelps: '', whatToAvoid: '', contacts: [{ name: 'Jo', role: '', phone: '111' }] };
    const values = crisisPlanFormValues(plan, '2026-03-09');
    assert.equal(values['contact-1-name'], 'Jo');
    assert.deepEqual([values.reviewedDay, values.reviewedMonth, values.reviewedYear], ['9', '3', '2026']);
    assert.equal(contactRowCount(values), 3);
    assert.equal(contactRowCount({}), 2);
  });

  test('the audit names which parts changed, never their words', () => {
    const before: CrisisPlanContent = { warningSigns: 'a', whatHelps: 'b', whatToAvoid: '', contacts: [] };
    assert.deepEqual(changedParts(before, { ...before, whatHelps: 'c', contacts: [{ name: 'Jo', role: '', phone: '111' }] }), ['whatHelps', 'contacts']);
    assert.deepEqual(changedParts(null, before), ['warningSigns', 'whatHelps']);
  });

  const contact = fc.record({
    name: fc.string({ minLength: 1, maxLength: 100 }).map((s) => s.replace(/\s+/g, ' ').trim()).filter((s) => s.length > 0),
    role: fc.string({ maxLength: 100 }).map((s) => s.replace(/\s+/g, ' ').trim()),
    phone: fc.constantFrom('111', '116 123', '07700 900 123', '01632 960 001', '+44 1632 960001'),
  }).map((c) => ({ ...c }));

  test('property: a plan put in the form and read back is the same plan', () => {
    fc.assert(fc.property(
      fc.record({
        warningSigns: fc.string({ maxLength: 200 }).map((s) => s.trim()),
        whatHelps: fc.string({ maxLength: 200 }).map((s) => s.trim()),
        whatToAvoid: fc.string({ maxLength: 200 }).map((s) => s.trim()),
        contacts: fc.array(contact, { minLength: 1, maxLength: MAX_CONTACTS }),
      }).map((p) => ({ ...p })),
      (plan) => {
        const result = parseCrisisPlanForm(crisisPlanFormValues(plan, '2025-12-31'), TODAY);
        assert.deepEqual(result, { ok: true, value: { ...plan, reviewedOn: '2025-12-31' } });
        assert.deepEqual(contactsFrom(JSON.parse(JSON.stringify(plan.contacts))), plan.contacts);
      },
    ));
  });

  test('property: no form makes the parser throw, and every problem names a field', () => {
    fc.assert(fc.property(fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 50 })), (form) => {
      const result = parseCrisisPlanForm(form, TODAY);
      if (!result.ok) assert.ok(result.problems.every((p) => p.field && p.message));
    }));
  });
});
