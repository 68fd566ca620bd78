import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatPostcode, parsePostcode, POSTCODE_MESSAGES } from './postcode.ts';

test('parses full postcodes in any case and spacing', () => {
  const cases: [string, string, string, string, string][] = [
    // input, postcode, outward, inward, area
    ['ME4 4QF', 'ME4 4QF', 'ME4', '4QF', 'ME'],
    ['me44qf', 'ME4 4QF', 'ME4', '4QF', 'ME'],
    [' ct9  1aa ', 'CT9 1AA', 'CT9', '1AA', 'CT'],
    ['SW1A 1AA', 'SW1A 1AA', 'SW1A', '1AA', 'SW'],
    ['EC1A 1BB', 'EC1A 1BB', 'EC1A', '1BB', 'EC'],
    ['W1A 0AX', 'W1A 0AX', 'W1A', '0AX', 'W'],
    ['M1 1AE', 'M1 1AE', 'M1', '1AE', 'M'],
    ['B33 8TH', 'B33 8TH', 'B33', '8TH', 'B'],
    ['CR2 6XH', 'CR2 6XH', 'CR2', '6XH', 'CR'],
    ['DN55 1PT', 'DN55 1PT', 'DN55', '1PT', 'DN'],
    ['GIR 0AA', 'GIR 0AA', 'GIR', '0AA', 'GIR'],
    ['gir0aa', 'GIR 0AA', 'GIR', '0AA', 'GIR'],
    ['\tsw1a\n1aa\u00a0', 'SW1A 1AA', 'SW1A', '1AA', 'SW'],
  ];
  for (const [input, postcode, outward, inward, area] of cases) {
    assert.deepEqual(
      parsePostcode(input),
      { ok: true, kind: 'full', postcode, outward, inward, district: outward, area },
      input,
    );
  }
});

test('parses outward codes on their own', () => {
  assert.deepEqual(parsePostcode('KT1'), {
    ok: true, kind: 'outward', postcode: 'KT1', outward: 'KT1', inward: null, district: 'KT1', area: 'KT',
  });
  assert.deepEqual(parsePostcode(' da1 '), {
    ok: true, kind: 'outward', postcode: 'DA1', outward: 'DA1', inward: null, district: 'DA1', area: 'DA',
  });
  for (const outward of ['M1', 'B33', 'CR2', 'DN55', 'W1A', 'EC1A', 'SW1A', 'ME4']) {
    const result = parsePostcode(outward.toLowerCase());
    assert.ok(result.ok && result.kind === 'outward' && result.postcode === outward, outward);
  }
});

test('empty input asks for a postcode', () => {
  for (const input of ['', '   ', '\t\n']) {
    assert.deepEqual(parsePostcode(input), {
      ok: false, code: 'empty', message: 'Enter a postcode, like ME4 4QF',
    });
  }
});

test('rejects postcodes that do not follow UK rules', () => {
  const bad = [
    'ME4 4CF', // inward letters cannot be C
    'ME4 4QI', 'ME4 4KA', 'ME4 4MA', 'ME4 4OA', 'ME4 4VA', // nor I, K, M, O, V
    'QE4 4AA', 'VE4 4AA', 'XE4 4AA', // first letter cannot be Q, V, X
    'EI4 4AA', 'EJ4 4AA', 'EZ4 4AA', // second letter cannot be I, J, Z
    'W1I 0AX', // A9A third letter must be one of ABCDEFGHJKPSTUW
    'EC1C 1BB', // AA9A fourth letter must be one of ABEHMNPRVWXY
    '12345', 'ME4 4QFF', 'ME', 'M', 'ME444 4QF', '4QF', 'ME4 4Q', 'ME4-4QF', 'ME4 4QF!',
    'GIR', 'GIR 0AB', 'ſW1A 1AA', 'ME4 4ǪF',
  ];
  for (const input of bad) {
    assert.deepEqual(
      parsePostcode(input),
      { ok: false, code: 'invalid', message: POSTCODE_MESSAGES.invalid },
      input,
    );
  }
  assert.equal(
    POSTCODE_MESSAGES.invalid,
    'Enter a real postcode, like ME4 4QF. You can also enter just the first part, like ME4',
  );
});

test('formatPostcode gives the normalised form or null', () => {
  assert.equal(formatPostcode(' me4 4qf'), 'ME4 4QF');
  assert.equal(formatPostcode('kt1'), 'KT1');
  assert.equal(formatPostcode('ME4 4CF'), null);
  assert.equal(formatPostcode(''), null);
});

// Generators for valid postcodes, built from the format rules.
const chars = (set: string) => fc.constantFrom(...set.split(''));
const digit = chars('0123456789');
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const first = chars(ALPHABET.replace(/[QVX]/g, ''));
const second = chars(ALPHABET.replace(/[IJZ]/g, ''));
const third = chars('ABCDEFGHJKPSTUW');
const fourth = chars('ABEHMNPRVWXY');
const inwardLetter = chars(ALPHABET.replace(/[CIKMOV]/g, ''));

const outwardCode = fc.oneof(
  fc.tuple(first, digit), // A9
  fc.tuple(first, digit, digit), // A99
  fc.tuple(first, second, digit), // AA9
  fc.tuple(first, second, digit, digit), // AA99
  fc.tuple(first, digit, third), // A9A
  fc.tuple(first, second, digit, fourth), // AA9A
).map((parts) => parts.join(''));
const inwardCode = fc.tuple(digit, inwardLetter, inwardLetter).map((parts) => parts.join(''));
const validPostcode = fc.tuple(outwardCode, fc.option(inwardCode, { nil: null }));

/** Randomly change case and add whitespace around and between characters. */
const messUp = (text: string) =>
  fc
    .tuple(
      fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }),
      fc.array(fc.constantFrom('', '', ' ', '  ', '\t'), {
        minLength: text.length + 1,
        maxLength: text.length + 1,
      }),
    )
    .map(([lower, gaps]) =>
      text
        .split('')
        .map((ch, i) => (gaps[i] ?? '') + (lower[i] ? ch.toLowerCase() : ch))
        .join('') + (gaps[text.length] ?? ''),
    );

test('property: any valid postcode, however typed, parses to its normalised form', () => {
  fc.assert(
    fc.property(
      validPostcode.chain(([outward, inward]) => {
        const normalised = inward === null ? outward : `${outward} ${inward}`;
        return fc.tuple(fc.constant({ outward, inward, normalised }), messUp(normalised));
      }),
      ([{ outward, inward, normalised }, typed]) => {
        const result = parsePostcode(typed);
        assert.ok(result.ok, `${JSON.stringify(typed)} should parse`);
        assert.equal(result.postcode, normalised);
        assert.equal(result.outward, outward);
        assert.equal(result.inward, inward);
        assert.equal(result.district, outward);
        assert.equal(result.kind, inward === null ? 'outward' : 'full');
        assert.match(result.area, /^[A-Z]{1,2}$/);
        assert.ok(outward.startsWith(result.area));
      },
    ),
  );
});

test('property: normalising is idempotent', () => {
  const input = fc.oneof(
    validPostcode.map(([o, i]) => (i === null ? o : `${o}${i}`)).chain(messUp),
    fc.string(),
  );
  fc.assert(
    fc.property(input, (text) => {
      const once = formatPostcode(text);
      if (once !== null) assert.equal(formatPostcode(once), once);
    }),
  );
});

test('property: an inward code with C, I, K, M, O or V never parses', () => {
  fc.assert(
    fc.property(outwardCode, digit, chars('CIKMOV'), inwardLetter, fc.boolean(), (o, d, bad, ok, badFirst) => {
      const inward = badFirst ? `${d}${bad}${ok}` : `${d}${ok}${bad}`;
      assert.equal(parsePostcode(`${o} ${inward}`).ok, false);
    }),
  );
});

test('property: parsePostcode never throws and always returns a known shape', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), (text) => {
      const result = parsePostcode(text);
      if (result.ok) {
        assert.match(result.postcode, /^[A-Z0-9]{2,4}( [0-9][A-Z]{2})?$/);
      } else {
        assert.ok(result.code === 'empty' || result.code === 'invalid');
        assert.ok(result.message.length > 0);
      }
    }),
  );
});
