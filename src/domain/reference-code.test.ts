import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { newReferenceCode, normaliseReferenceCode, REFERENCE_ALPHABET, referenceCheckCharacter } from './reference-code.ts';

const A = REFERENCE_ALPHABET;
const bytes = (...values: number[]) => () => Uint8Array.from(values);

/**
 * The check written a second way, by Horner's rule: the sum of d[i] * x^(7-i) in GF(32) with
 * x^5 = x^2 + 1, multiplying by x one step at a time.
 */
function hornerCheck(seven: string): string {
  const timesX = (v: number) => ((v << 1) & 0b100000 ? (v << 1) ^ 0b100101 : v << 1);
  let sum = 0;
  for (const ch of seven) sum = timesX(sum ^ A.indexOf(ch));
  return A[sum]!;
}

/** A valid 8-character code (no hyphen) with the given characters at the given positions. */
function codeWith(fixed: ReadonlyMap<number, number>, seed: number): string {
  const data = Array.from({ length: 7 }, (_, i) => fixed.get(i) ?? (seed * 7 + i * 13) % 32);
  const wantedCheck = fixed.get(7);
  const free = [0, 1, 2, 3, 4, 5, 6].find((i) => !fixed.has(i))!;
  for (let v = 0; v < 32; v++) {
    if (!fixed.has(free)) data[free] = v;
    const seven = data.map((d) => A[d]).join('');
    const check = referenceCheckCharacter(seven);
    if (wantedCheck === undefined || check === A[wantedCheck]) return seven + check;
  }
  throw new Error('no code with those characters');
}

const hyphenated = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;
const swap = (code: string, i: number, j: number) => {
  const c = [...code];
  [c[i], c[j]] = [c[j]!, c[i]!];
  return c.join('');
};
const randomCode = fc.uint8Array({ minLength: 7, maxLength: 7 }).map((b) => newReferenceCode(() => b));

describe('reference codes', () => {
  test('the alphabet is 32 characters that cannot be confused: no 0, 1, I or O', () => {
    assert.equal(new Set(A).size, 32);
    assert.equal(A.length, 32);
    for (const ch of '01IO') assert.ok(!A.includes(ch), ch);
  });

  test('a new code is 4, a hyphen and 4, with the check character last', () => {
    let asked = 0;
    const code = newReferenceCode((n) => { asked = n; return Uint8Array.from([0, 1, 2, 3, 4, 5, 6]); });
    assert.equal(asked, 7);
    assert.equal(code, `2345-678${hornerCheck('2345678')}`);
    assert.equal(newReferenceCode(bytes(31, 31, 31, 31, 31, 31, 31)), `ZZZZ-ZZZ${hornerCheck('ZZZZZZZ')}`);
    assert.equal(newReferenceCode(bytes(32, 64, 255, 0, 0, 0, 0)), newReferenceCode(bytes(0, 0, 31, 0, 0, 0, 0)), 'low 5 bits');
    assert.throws(() => newReferenceCode(bytes(1, 2, 3)), /needs 7 random bytes/);
  });

  test('the check character agrees with the same sum worked out by Horner’s rule', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...A), { minLength: 7, maxLength: 7 }), (chars) => {
      const seven = chars.join('');
      assert.equal(referenceCheckCharacter(seven), hornerCheck(seven));
    }));
    assert.throws(() => referenceCheckCharacter('ABCDEF'));
    assert.throws(() => referenceCheckCharacter('ABCDEFO'));
  });

  test('no bias: across all 256 byte values every character is equally likely in every place', () => {
    const counts = Array.from({ length: 7 }, () => new Map<string, number>());
    for (let b = 0; b < 256; b++) {
      const code = newReferenceCode(() => new Uint8Array(7).fill(b)).replace('-', '');
      for (let i = 0; i < 7; i++) counts[i]!.set(code[i]!, (counts[i]!.get(code[i]!) ?? 0) + 1);
    }
    for (const perPlace of counts) {
      assert.equal(perPlace.size, 32);
      for (const n of perPlace.values()) assert.equal(n, 8);
    }
  });

  test('what people type is read in any case, with spaces and hyphens anywhere', () => {
    const code = newReferenceCode(bytes(9, 20, 3, 30, 14, 7, 25));
    const plain = code.replace('-', '');
    for (const typed of [code, plain, plain.toLowerCase(), ` ${plain.slice(0, 3)} ${plain.slice(3, 6)} ${plain.slice(6)} `,
      `${plain.slice(0, 2)}-${plain.slice(2, 5)}-${plain.slice(5)}`, `${code.slice(0, 4)}\u2013${code.slice(5)}`]) {
      assert.equal(normaliseReferenceCode(typed), code, typed);
    }
  });

  test('anything else is refused', () => {
    const code = newReferenceCode(bytes(9, 20, 3, 30, 14, 7, 25)).replace('-', '');
    for (const bad of ['', '   ', code.slice(0, 7), `${code}2`, `${code.slice(0, 7)}O`, `0${code.slice(1)}`, `1${code.slice(1)}`,
      `I${code.slice(1)}`, `${code.slice(0, 7)}.`, `${code.slice(0, 7)}\u017f`, code.replace(/./, '\uff21')]) {
      assert.equal(normaliseReferenceCode(bad), null, bad);
    }
  });

  test('exhaustive: every substitution of any character in any place is caught', () => {
    let tried = 0;
    for (let place = 0; place < 8; place++) {
      for (let from = 0; from < 32; from++) {
        const code = codeWith(new Map([[place, from]]), place * 32 + from);
        assert.equal(normaliseReferenceCode(code), hyphenated(code));
        for (let to = 0; to < 32; to++) {
          if (to === from) continue;
          const changed = code.slice(0, place) + A[to] + code.slice(place + 1);
          assert.equal(normaliseReferenceCode(changed), null, `${code} -> ${changed}`);
          tried++;
        }
      }
    }
    assert.equal(tried, 8 * 32 * 31);
  });

  test('exhaustive: every swap of two different characters is caught, adjacent or not', () => {
    let adjacent = 0;
    for (let i = 0; i < 8; i++) {
      for (let j = i + 1; j < 8; j++) {
        for (let a = 0; a < 32; a++) {
          for (let b = 0; b < 32; b++) {
            if (a === b) continue;
            const code = codeWith(new Map([[i, a], [j, b]]), i * 8 + j + a + b);
            assert.equal(code[i], A[a]);
            assert.equal(code[j], A[b]);
            assert.equal(normaliseReferenceCode(swap(code, i, j)), null, `${code}: swap ${i} and ${j}`);
            if (j === i + 1) adjacent++;
          }
        }
      }
    }
    assert.equal(adjacent, 7 * 32 * 31, 'including the swap across the hyphen and with the check character');
  });

  test('why not a plain weighted sum mod 32: with odd weights, some adjacent swap always goes unseen', () => {
    for (let w1 = 1; w1 < 32; w1 += 2) {
      for (let w2 = 1; w2 < 32; w2 += 2) {
        // '2' (0) and 'J' (16) swapped change the sum by (w1 - w2) * 16, a multiple of 32.
        assert.equal((((w1 - w2) * 16) % 32 + 32) % 32, 0);
      }
    }
  });

  test('property: round trip, and a random substitution or adjacent swap is refused', () => {
    fc.assert(
      fc.property(randomCode, fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 31 }), (code, place, shift) => {
        assert.match(code, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
        assert.equal(normaliseReferenceCode(code), code);
        assert.equal(normaliseReferenceCode(code.toLowerCase().replace('-', ' ')), code);
        const plain = code.replace('-', '');
        const substituted = plain.slice(0, place) + A[(A.indexOf(plain[place]!) + shift) % 32] + plain.slice(place + 1);
        assert.equal(normaliseReferenceCode(substituted), null);
        if (place < 7 && plain[place] !== plain[place + 1]) assert.equal(normaliseReferenceCode(swap(plain, place, place + 1)), null);
      }),
      { numRuns: 2000 },
    );
  });
});
