import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  isOffered, jaro, jaroWinkler, MATCH_LEVELS, normaliseName, normalisePhone, OFFER_LEVELS, scoreMatch,
  type MatchInput, type MatchLevel,
} from './person-match.ts';

const person = (overrides: Partial<MatchInput> = {}): MatchInput => ({
  nhsNumber: null, givenName: '', familyName: '', dateOfBirth: null, postcode: null, phone: null, email: null, ...overrides,
});
const rank = (level: MatchLevel) => MATCH_LEVELS.length - MATCH_LEVELS.indexOf(level);
const round3 = (x: number) => Math.round(x * 1000) / 1000;

describe('Jaro-Winkler', () => {
  test('reference values from Winkler (1990), to 3 decimal places', () => {
    const published: [string, string, number, number][] = [
      // a, b, Jaro, Jaro-Winkler
      ['MARTHA', 'MARHTA', 0.944, 0.961],
      ['DWAYNE', 'DUANE', 0.822, 0.84],
      ['DIXON', 'DICKSONX', 0.767, 0.813],
    ];
    for (const [a, b, j, jw] of published) {
      assert.equal(round3(jaro(a, b)), j, `Jaro ${a}/${b}`);
      assert.equal(round3(jaroWinkler(a, b)), jw, `Jaro-Winkler ${a}/${b}`);
    }
  });

  test('worked by hand: JON / JOHN', () => {
    // 3 matches, no transpositions: Jaro = (3/3 + 3/4 + 3/3) / 3 = 0.91667; prefix 'JO' (2):
    // 0.91667 + 2 * 0.1 * (1 - 0.91667) = 0.93333.
    assert.equal(round3(jaroWinkler('JON', 'JOHN')), 0.933);
    assert.equal(jaroWinkler('ABC', 'XYZ'), 0);
    assert.equal(jaroWinkler('SAME', 'SAME'), 1);
  });

  test('property: between 0 and 1, symmetric, 1 for equal strings, and never below Jaro', () => {
    const word = fc.stringMatching(/^[a-e]{0,8}$/);
    fc.assert(
      fc.property(word, word, (a, b) => {
        const jw = jaroWinkler(a, b);
        assert.ok(jw >= 0 && jw <= 1);
        assert.equal(jw, jaroWinkler(b, a));
        assert.ok(jw >= jaro(a, b));
        if (a === b) assert.equal(jw, 1);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('normalising', () => {
  test('names lose case, accents, hyphens, apostrophes and spaces', () => {
    assert.equal(normaliseName('O’Brien-Smith'), 'obriensmith');
    assert.equal(normaliseName(" o'brien smith "), 'obriensmith');
    assert.equal(normaliseName('José'), 'jose');
    assert.equal(normaliseName('ZOË'), 'zoe');
    assert.equal(normaliseName('Strauß'), 'strauss');
    assert.equal(normaliseName('Nguyễn'), 'nguyen');
    assert.equal(normaliseName('---'), '');
  });

  test('phone numbers compare on digits, with +44 as 0', () => {
    for (const phone of ['07700 900123', '+44 7700 900123', '+44 (0)7700 900123', '0044 7700-900-123', '(07700) 900123']) {
      assert.equal(normalisePhone(phone), '07700900123', phone);
    }
    assert.equal(normalisePhone('999'), null, 'too short to match on');
    assert.equal(normalisePhone(null), null);
  });
});

describe('scoreMatch', () => {
  const nhs = '943 476 5919';
  const jane = person({ givenName: 'Jane', familyName: 'Smith', dateOfBirth: '1990-03-04', postcode: 'ME4 4QF' });

  test('certain only on the same valid NHS number, however it is written', () => {
    const result = scoreMatch(person({ nhsNumber: nhs, givenName: 'Jane' }), person({ nhsNumber: '9434765919', givenName: 'Janet' }));
    assert.equal(result.level, 'certain');
    assert.equal(result.reasons[0], 'Same NHS number');
    assert.equal(scoreMatch({ ...jane, nhsNumber: '9434765918' }, { ...jane, nhsNumber: '9434765918' }).level, 'likely', 'an invalid number is ignored');
  });

  test('two different NHS numbers make a match unlikely, whatever else agrees', () => {
    const result = scoreMatch({ ...jane, nhsNumber: nhs, phone: '07700 900123' }, { ...jane, nhsNumber: '401 023 2137', phone: '07700 900123' });
    assert.equal(result.level, 'unlikely');
    assert.ok(result.reasons.includes('Different NHS numbers'));
    assert.equal(isOffered(result.level), false);
  });

  test('likely: same date of birth and similar family name, with the same given name or postcode', () => {
    const referred = person({ givenName: 'Jane', familyName: 'Smyth', dateOfBirth: '1990-03-04', postcode: 'CT9 1AA' });
    const result = scoreMatch(referred, jane);
    assert.deepEqual(result, { score: 62, level: 'likely', reasons: ['Same date of birth', 'Similar family name', 'Same given name'] });
    const noGiven = scoreMatch({ ...referred, givenName: '', postcode: 'me4 4qf' }, jane);
    assert.deepEqual(noGiven, { score: 60, level: 'likely', reasons: ['Same date of birth', 'Similar family name', 'Same postcode'] });
  });

  test('possible: the same name alone, or date of birth and given name after a change of family name', () => {
    assert.equal(scoreMatch(person({ givenName: 'Jane', familyName: 'Smith' }), jane).level, 'possible');
    const married = scoreMatch({ ...jane, familyName: 'Okafor', postcode: null }, jane);
    assert.deepEqual(married.reasons, ['Same date of birth', 'Same given name']);
    assert.equal(married.level, 'possible');
  });

  test('unlikely, and not offered: a shared family name or date of birth on its own', () => {
    for (const other of [person({ familyName: 'Smith' }), person({ dateOfBirth: '1990-03-04' }), person({ phone: '07700 900123' })]) {
      const level = scoreMatch({ ...jane, phone: '07700900123' }, other).level;
      assert.equal(level, 'unlikely');
      assert.equal(isOffered(level), false);
    }
    assert.deepEqual(OFFER_LEVELS, ['certain', 'likely', 'possible']);
  });

  test('given names: short forms, other spellings, and different names that look alike', () => {
    const given = (a: string, b: string) => scoreMatch({ ...jane, givenName: a }, { ...jane, givenName: b }).reasons.find((r) => /given/i.test(r));
    assert.equal(given('Bob', 'Robert'), 'Given name is a short form (Bob / Robert)');
    assert.equal(given('Robert', 'Bob'), 'Given name is a short form (Bob / Robert)');
    assert.equal(given('bill', 'WILLIAM'), 'Given name is a short form (bill / WILLIAM)');
    assert.equal(given('Bob', 'Rob'), 'Given name is a short form (Bob / Rob)', 'both short for Robert');
    assert.equal(given('Kate', 'Kathryn'), 'Given name is a short form (Kate / Kathryn)');
    assert.equal(given('Chris', 'Christine'), 'Given name is a short form (Chris / Christine)');
    assert.equal(given('Steven', 'Stephen'), 'Given name spelt another way (Steven / Stephen)');
    assert.equal(given('Muhammad', 'Mohammed'), 'Given name spelt another way (Mohammed / Muhammad)');
    assert.equal(given('Jon', 'John'), 'Similar given name');
    assert.equal(given('Christopher', 'Christine'), 'Different given name');
    assert.equal(given('Alexander', 'Alexandra'), 'Different given name');
    assert.equal(given('Daniel', 'Danielle'), 'Different given name');
    assert.equal(given('Jane', 'Priya'), 'Different given name');
    assert.equal(given('Constructor', 'toString'), 'Different given name', 'no lookups on Object.prototype');
  });

  test('twins are offered as possible, not likely: a different given name blocks likely', () => {
    const twin = (givenName: string) => person({ givenName, familyName: 'Smith', dateOfBirth: '2001-07-09', postcode: 'ME4 4QF', phone: '01634 000000' });
    const result = scoreMatch(twin('Christopher'), twin('Christine'));
    assert.ok(result.score >= 60, 'the score alone would say likely');
    assert.equal(result.level, 'possible');
    assert.ok(result.reasons.includes('Different given name'));
  });

  test('dates of birth: same, day and month swapped, or different (which blocks likely)', () => {
    const swapped = scoreMatch({ ...jane, dateOfBirth: '1990-04-03' }, jane);
    assert.deepEqual(swapped.reasons, ['Day and month of birth swapped', 'Same family name', 'Same given name', 'Same postcode']);
    assert.equal(swapped.level, 'likely');
    const everythingButBirth = { ...jane, phone: '07700 900123', email: 'jane@example.com' };
    const different = scoreMatch({ ...everythingButBirth, dateOfBirth: '1991-03-04' }, everythingButBirth);
    assert.ok(different.reasons.includes('Different date of birth'));
    assert.equal(different.level, 'possible');
    assert.ok(!scoreMatch({ ...jane, dateOfBirth: 'not a date' }, jane).reasons.some((r) => /birth/.test(r)), 'an unreadable date is ignored');
  });

  test('given and family names swapped over', () => {
    const a = person({ givenName: 'Ali', familyName: 'Hassan', dateOfBirth: '1985-11-30' });
    const b = person({ givenName: 'Hassan', familyName: 'Ali', dateOfBirth: '1985-11-30' });
    assert.deepEqual(scoreMatch(a, b), { score: 60, level: 'likely', reasons: ['Same date of birth', 'Given and family names swapped over'] });
  });

  test('postcodes, phones and emails compare however they are written', () => {
    const contact = (postcode: string, phone: string, email: string) => person({ givenName: 'Sam', familyName: 'Lee', postcode, phone, email });
    const result = scoreMatch(contact('me44qf', '+44 7700 900123', ' Sam.Lee@Example.com'), contact('ME4 4QF', '07700900123', 'sam.lee@example.com'));
    assert.deepEqual(result.reasons, ['Same family name', 'Same given name', 'Same postcode', 'Same phone number', 'Same email address']);
    assert.equal(scoreMatch(person({ postcode: 'ME4 4AA' }), person({ postcode: 'ME4 4QF' })).reasons[0], 'Same postcode district');
    assert.equal(scoreMatch(person({ postcode: 'ME4' }), person({ postcode: 'ME4 4QF' })).reasons[0], 'Same postcode district');
    assert.deepEqual(scoreMatch(person({ postcode: 'nonsense' }), person({ postcode: 'nonsense' })).reasons, []);
  });

  // Property tests

  const NAMES = ['Jane', 'Robert', 'Bob', 'Christopher', 'Christine', 'Zoë', 'Smith', 'Smyth', 'O’Brien', 'Nguyễn', 'Ali', 'Hassan'];
  const name = fc.oneof(fc.constantFrom(...NAMES), fc.stringMatching(/^[a-z]{1,9}$/));
  const dob = fc.integer({ min: 0, max: 30_000 }).map((n) => new Date(Date.UTC(1930, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
  const input: fc.Arbitrary<MatchInput> = fc.record({
    nhsNumber: fc.constantFrom(null, '9434765919', '4010232137', '9990000018', '1234567890'),
    givenName: fc.oneof(name, fc.constant('')),
    familyName: name,
    dateOfBirth: fc.oneof(dob, fc.constant(null), fc.constantFrom('1990-03-04', '1990-04-03')),
    postcode: fc.constantFrom(null, 'ME4 4QF', 'ME4 4AA', 'CT9 1AA', 'ME4'),
    phone: fc.constantFrom(null, '07700 900123', '+44 7700 900123', '01632 960001'),
    email: fc.constantFrom(null, 'a@example.com', 'A@Example.com', 'b@example.org'),
  });

  test('property: symmetric in score, level and reasons', () => {
    fc.assert(fc.property(input, input, (a, b) => assert.deepEqual(scoreMatch(a, b), scoreMatch(b, a))), { numRuns: 2000 });
  });

  test('property: a record with a name and a date of birth matches itself at likely or better', () => {
    fc.assert(
      fc.property(input, name, name, dob, (record, given, family, birth) => {
        const self = { ...record, givenName: given, familyName: family, dateOfBirth: birth };
        assert.ok(rank(scoreMatch(self, self).level) >= rank('likely'));
      }),
    );
  });

  test('property: adding a conflicting NHS number never raises the level', () => {
    fc.assert(
      fc.property(input, input, fc.boolean(), (a, b, flip) => {
        const before = scoreMatch(a, b).level;
        const [x, y] = flip ? ['9434765919', '4010232137'] : ['4010232137', '9434765919'];
        const after = scoreMatch({ ...a, nhsNumber: x }, { ...b, nhsNumber: y }).level;
        assert.equal(after, 'unlikely');
        assert.ok(rank(after) <= rank(before));
      }),
      { numRuns: 1000 },
    );
  });

  /** The same details as someone else might type them: other case, accents, spaces, hyphens. */
  function retyped(value: string, ops: readonly number[]): string {
    let out = ' ';
    [...value].forEach((ch, i) => {
      const op = ops[i % ops.length] ?? 0;
      if (op === 1) out += ch.toUpperCase();
      else if (op === 2) out += ch.toLowerCase();
      else if (op === 3 && /[a-z]/i.test(ch)) out += `${ch}\u0301`; // an acute accent
      else if (op === 4) out += `${ch} `;
      else if (op === 5) out += `${ch}-`;
      else if (op === 6) out += `${ch}’`;
      else out += ch;
    });
    return `${out}  `;
  }

  test('property: case, accents, spaces, hyphens and apostrophes in names do not change the score', () => {
    const ops = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(input, input, ops, (a, b, o) => {
        const a2 = { ...a, givenName: retyped(a.givenName, o), familyName: retyped(a.familyName, [...o].reverse()) };
        const before = scoreMatch(a, b);
        const after = scoreMatch(a2, b);
        assert.equal(after.score, before.score);
        assert.equal(after.level, before.level);
      }),
      { numRuns: 2000 },
    );
  });

  test('property: postcode, phone and email written another way do not change the score', () => {
    fc.assert(
      fc.property(input, input, (a, b) => {
        const a2 = {
          ...a,
          postcode: a.postcode?.toLowerCase().replace(' ', '') ?? null,
          phone: a.phone?.replace(/^0/, '+44 ').replace(/ /g, '-') ?? null,
          email: a.email ? ` ${a.email.toUpperCase()} ` : null,
        };
        assert.equal(scoreMatch(a2, b).score, scoreMatch(a, b).score);
      }),
      { numRuns: 1000 },
    );
  });
});
