import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatPence, MAX_PARSED_PENCE, parsePounds, sumPence } from './money.ts';

const parse = (text: string) => parsePounds(text, { label: 'the amount' });
const pence = (text: string) => {
  const result = parse(text);
  assert.ok(result.ok, `${text}: ${result.ok ? '' : result.message}`);
  return result.pence;
};

test('reads amounts the way people type them', () => {
  assert.equal(pence('£1,250.00'), 125_000);
  assert.equal(pence('1250'), 125_000);
  assert.equal(pence(' £ 1250.5 '), 125_050);
  assert.equal(pence('0.99'), 99);
  assert.equal(pence('£0.07'), 7);
  assert.equal(pence('12,345,678.90'), 1_234_567_890);
  assert.equal(pence('007'), 700);
  assert.equal(pence('0'), 0, 'zero is a number; whether it is allowed is the form’s decision');
});

test('refuses what is not an amount, saying what to type', () => {
  const message = (text: string) => {
    const result = parse(text);
    assert.equal(result.ok, false, text);
    return result.ok ? '' : result.message;
  };
  assert.equal(message(''), 'Enter the amount, like £1,250.00');
  assert.equal(message('£'), 'Enter the amount, like £1,250.00');
  assert.equal(message('-5'), 'The amount must be more than £0');
  assert.equal(message('£−5.00'), 'The amount must be more than £0');
  assert.match(message('1.005'), /no fractions of a penny/);
  for (const bad of ['12,50', '1,2345', 'ten pounds', '£12.5.0', '1e3', '0x10', '12.', '.50', '£1 250', 'NaN', 'Infinity', '£££5']) {
    assert.match(message(bad), /must be an amount in pounds, like £1,250.00/, bad);
  }
  assert.match(message('123456789'), /must be £99,999,999.99 or less/);
});

test('formats pence as pounds with separators, and refuses fractions of a penny', () => {
  assert.equal(formatPence(0), '£0.00');
  assert.equal(formatPence(7), '£0.07');
  assert.equal(formatPence(125_000), '£1,250.00');
  assert.equal(formatPence(123_456_789), '£1,234,567.89');
  assert.equal(formatPence(-2_000), '-£20.00');
  assert.throws(() => formatPence(0.5));
  assert.throws(() => formatPence(Number.NaN));
});

test('sums in whole pence where floating point pounds go wrong', () => {
  // 0.1 + 0.2 in pounds is 0.30000000000000004; in pence it is 30.
  assert.notEqual(0.1 + 0.2, 0.3);
  assert.equal(sumPence([pence('0.10'), pence('0.20')]), 30);
  // Ten payments of £0.10 make £1.00 exactly (in doubles, 0.9999999999999999).
  assert.notEqual(Array.from({ length: 10 }, () => 0.1).reduce((a, b) => a + b, 0), 1);
  assert.equal(formatPence(sumPence(Array.from({ length: 10 }, () => pence('0.10')))), '£1.00');
  assert.throws(() => sumPence([1, 0.5]));
  assert.throws(() => sumPence([Number.MAX_SAFE_INTEGER, 1]));
});

const amount = fc.integer({ min: 0, max: MAX_PARSED_PENCE });

test('property: what is formatted reads back as the same number of pence', () => {
  fc.assert(fc.property(amount, (p) => {
    const result = parse(formatPence(p));
    return result.ok && result.pence === p;
  }));
});

test('property: plain pounds and pence, with or without £ and separators, read as the same amount', () => {
  fc.assert(fc.property(amount, fc.boolean(), (p, pound) => {
    const pounds = Math.floor(p / 100);
    const rest = p % 100;
    const plain = `${pound ? '£' : ''}${pounds}.${String(rest).padStart(2, '0')}`;
    const noPence = `${pounds}`;
    const onePlace = rest % 10 === 0 ? `${pounds}.${rest / 10}` : null;
    return pence(plain) === p && pence(noPence) === pounds * 100 && (onePlace === null || pence(onePlace) === p);
  }));
});

test('property: any text either reads as whole pence within the limit or gets a message, never a throw', () => {
  fc.assert(fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[£ ]?[\d,.-]{0,14}$/)), (text) => {
    const result = parse(text);
    if (!result.ok) return result.message.length > 0;
    return Number.isSafeInteger(result.pence) && result.pence >= 0 && result.pence <= MAX_PARSED_PENCE;
  }));
});

test('property: sums of parsed amounts are exact, in any order', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 200 }), (list) => {
    const total = sumPence(list.map((p) => pence(formatPence(p))));
    const reversed = sumPence([...list].reverse());
    return total === reversed && pence(formatPence(total)) === total;
  }));
});
