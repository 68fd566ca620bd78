import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatNhsNumber, isValidNhsNumber, nhsNumberCheckDigit, normaliseNhsNumber } from './nhs-number.ts';

const nineDigits = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }).map((d) => d.join(''));

test('accepts known valid NHS numbers and their display forms', () => {
  for (const n of ['9434765919', '943 476 5919', '943-476-5919', '4010232137', '9990000018']) {
    assert.equal(isValidNhsNumber(n), true, n);
  }
  assert.equal(formatNhsNumber('9434765919'), '943 476 5919');
  assert.equal(formatNhsNumber(' 943 476 5919 '), '943 476 5919');
  assert.equal(normaliseNhsNumber('943 476 5919'), '9434765919');
});

test('refuses wrong check digits, wrong lengths and non-digits', () => {
  for (const n of ['9434765918', '943476591', '94347659190', '', 'abcdefghij', '９４３４７６５９１９', '943.476.5919']) {
    assert.equal(isValidNhsNumber(n), false, n);
    assert.equal(formatNhsNumber(n), null, n);
  }
  assert.throws(() => nhsNumberCheckDigit('12345678'));
});

test('every nine digits have either exactly one valid check digit or none (remainder 10)', () => {
  fc.assert(
    fc.property(nineDigits, (nine) => {
      const check = nhsNumberCheckDigit(nine);
      const valid = [...'0123456789'].filter((d) => isValidNhsNumber(nine + d));
      if (check === null) assert.deepEqual(valid, []);
      else assert.deepEqual(valid, [String(check)]);
    }),
  );
});

test('changing any one digit of a valid number makes it invalid (modulus 11 catches single errors)', () => {
  const validNumber = nineDigits
    .filter((nine) => nhsNumberCheckDigit(nine) !== null)
    .map((nine) => nine + String(nhsNumberCheckDigit(nine)));
  fc.assert(
    fc.property(validNumber, fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), (n, at, delta) => {
      const digit = (Number(n[at]) + delta) % 10;
      const changed = n.slice(0, at) + String(digit) + n.slice(at + 1);
      assert.equal(isValidNhsNumber(changed), false, `${n} -> ${changed}`);
    }),
  );
});

test('formatting round-trips', () => {
  const validNumber = nineDigits
    .filter((nine) => nhsNumberCheckDigit(nine) !== null)
    .map((nine) => nine + String(nhsNumberCheckDigit(nine)));
  fc.assert(
    fc.property(validNumber, (n) => {
      const shown = formatNhsNumber(n);
      assert.match(shown ?? '', /^[0-9]{3} [0-9]{3} [0-9]{4}$/);
      assert.equal(normaliseNhsNumber(shown ?? ''), n);
    }),
  );
});
