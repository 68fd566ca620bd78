import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { suggestsCrisis } from './crisis-words.ts';

test('words that suggest crisis are caught, in any case or spelling of apostrophes', () => {
  for (const text of ['suicide', 'Suicidal thoughts', 'I want to die', 'self-harm support', 'self harm', 'SELFHARM',
    'thinking of ending my life', "I can't go on", 'I can’t go on', 'crisis cafe', 'mental health emergency', 'overdose']) {
    assert.equal(suggestsCrisis(text), true, text);
  }
});

test('everyday searches are not treated as crisis', () => {
  for (const text of ['counselling', 'debt advice', 'singing group', 'walking', 'die casting club', '', '   ', 'harmony choir']) {
    assert.equal(suggestsCrisis(text), false, text);
  }
});

test('property: never throws, and adding words never hides a crisis phrase', () => {
  fc.assert(fc.property(fc.string(), fc.string(), (a, b) => {
    suggestsCrisis(a);
    return suggestsCrisis(`${a} suicide ${b}`);
  }));
});
