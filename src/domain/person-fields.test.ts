import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDateParts, parseEmail, parseFullPostcode, parseName, parseNhsNumberField, parsePhone, parseText } from './person-fields.ts';

const dob = (day: string, month: string, year: string) => parseDateParts({ day, month, year }, { label: 'your date of birth', today: '2026-12-02' });

describe('person fields', () => {
  test('names: trimmed, any alphabet, the usual marks; empty, too long and symbols refused', () => {
    assert.deepEqual(parseName('  Zsófia   Nagy-O’Brien ', 'your first name'), { ok: true, value: 'Zsófia Nagy-O’Brien' });
    assert.deepEqual(parseName('Đặng', 'their last name'), { ok: true, value: 'Đặng' });
    assert.deepEqual(parseName('', 'your first name'), { ok: false, message: 'Enter your first name' });
    assert.deepEqual(parseName('x'.repeat(101), 'your first name'), { ok: false, message: 'Your first name must be 100 characters or fewer' });
    assert.deepEqual(parseName('R2-D2', 'their last name'), { ok: false, message: 'Their last name must only include letters, spaces, hyphens and apostrophes' });
  });

  test('dates of birth in three boxes, with the service manual’s messages', () => {
    assert.deepEqual(dob('12', '4', '1990'), { ok: true, value: '1990-04-12' });
    assert.deepEqual(dob('1', 'March', '1990'), { ok: true, value: '1990-03-01' });
    assert.deepEqual(dob('', '', ''), { ok: false, message: 'Enter your date of birth', part: 'day' });
    assert.deepEqual(dob('12', '', '1990'), { ok: false, message: 'Date of birth must include a month', part: 'month' });
    assert.deepEqual(dob('', '', '1990'), { ok: false, message: 'Date of birth must include a day and a month', part: 'day' });
    assert.deepEqual(dob('31', '2', '1990'), { ok: false, message: 'Date of birth must be a real date', part: 'day' });
    assert.deepEqual(dob('29', '2', '2024'), { ok: true, value: '2024-02-29' });
    assert.deepEqual(dob('29', '2', '2023'), { ok: false, message: 'Date of birth must be a real date', part: 'day' });
    assert.deepEqual(dob('1', '1', '90'), { ok: false, message: 'Year must include 4 numbers', part: 'year' });
    assert.deepEqual(dob('2', '12', '2026'), { ok: false, message: 'Date of birth must be in the past', part: 'day' });
    assert.deepEqual(dob('1', '13', '1990'), { ok: false, message: 'Date of birth must be a real date', part: 'month' });
    assert.deepEqual(parseDateParts({ day: '', month: '', year: '' }, { label: 'their date of birth', today: '2026-12-02', required: false }), { ok: true, value: null });
  });

  test('property: every real past date typed in its boxes comes back as itself', () => {
    fc.assert(fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2026-12-01T00:00:00Z'), noInvalidDate: true }), (date) => {
      const iso = date.toISOString().slice(0, 10);
      const [y, m, d] = iso.split('-');
      assert.deepEqual(dob(String(Number(d)), String(Number(m)), y!), { ok: true, value: iso });
    }));
  });

  test('NHS numbers: optional, spaces allowed, check digit checked', () => {
    assert.deepEqual(parseNhsNumberField(''), { ok: true, value: null });
    assert.deepEqual(parseNhsNumberField('943 476 5919'), { ok: true, value: '9434765919' });
    assert.equal(parseNhsNumberField('943 476 5918').ok, false);
    assert.deepEqual(parseNhsNumberField('94347659'), { ok: false, message: 'NHS number must be 10 numbers, like 943 476 5919' });
    assert.deepEqual(parseNhsNumberField('943a765919'), { ok: false, message: 'NHS number must only include numbers, like 943 476 5919' });
  });

  test('phones, emails, postcodes and text', () => {
    assert.deepEqual(parsePhone(' 07700  900 982 '), { ok: true, value: '07700 900 982' });
    assert.deepEqual(parsePhone('+44 1632 960001'), { ok: true, value: '+44 1632 960001' });
    assert.equal(parsePhone('12345').ok, false);
    assert.deepEqual(parseEmail('Sam@Example.COM'), { ok: true, value: 'sam@example.com' });
    assert.equal(parseEmail('sam@').ok, false);
    assert.deepEqual(parseFullPostcode('me44qf'), { ok: true, value: { postcode: 'ME4 4QF', district: 'ME4' } });
    assert.deepEqual(parseFullPostcode('ME4'), { ok: false, message: 'Enter a full postcode, like ME4 4QF' });
    assert.deepEqual(parseText('', { label: 'what is happening', max: 10, required: true }), { ok: false, message: 'Enter what is happening' });
    assert.deepEqual(parseText('x'.repeat(11), { label: 'a note', max: 10 }), { ok: false, message: 'Note must be 10 characters or fewer' });
  });

  test('property: no input makes a parser throw', () => {
    fc.assert(fc.property(fc.string(), fc.string(), fc.string(), (a, b, c) => {
      parseName(a, 'x'); parseNhsNumberField(a); parsePhone(a); parseEmail(a); parseFullPostcode(a);
      parseDateParts({ day: a, month: b, year: c }, { label: 'a date', today: '2026-12-02' });
    }));
  });
});
