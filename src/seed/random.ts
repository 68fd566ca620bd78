// A small seeded pseudo-random number generator for demo and benchmark data. NOT for secrets.
//
// sfc32 (Chris Doty-Humphrey's "Small Fast Counting" generator, from PractRand) seeded with
// cyrb128 (a simple 128-bit string hash by bryc). Both use only 32-bit integer arithmetic, so a
// seed gives the same sequence on every platform and Node version.
//
// Independent streams: `derive(label)` starts a new generator from `${seed}/${label}`, so each
// part of the data (a tenant's organisations, its staff, its people ...) has its own stream and
// drawing more from one part never shifts another.

/** cyrb128: a 128-bit hash of a string, as four 32-bit words. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

const TWO_POW_32 = 4294967296;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: string) {
    [this.a, this.b, this.c, this.d] = cyrb128(seed);
    // Mix the state before use, as sfc32's author recommends.
    for (let i = 0; i < 15; i++) this.uint32();
  }

  /** A new, independent stream named `label` under this one's seed. Does not advance this stream. */
  derive(label: string): Random {
    return new Random(`${this.seed}/${label}`);
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.uint32() / TWO_POW_32;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new Error(`int(${min}, ${max}): need integers with min <= max`);
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** true with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One item, each equally likely. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** One value, chosen in proportion to its weight. For repeated draws use `weightedPicker`. */
  weighted<T>(pairs: readonly (readonly [T, number])[]): T {
    return weightedPicker(pairs)(this);
  }

  /** A random (version 4 format) UUID drawn from this stream. */
  uuid(): string {
    const w = [this.uint32(), this.uint32(), this.uint32(), this.uint32()];
    const bytes: number[] = [];
    for (const word of w) bytes.push(word >>> 24, (word >>> 16) & 255, (word >>> 8) & 255, word & 255);
    bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40; // version 4
    bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80; // RFC 4122 variant
    const h = bytes.map((b) => HEX[b] as string);
    return (
      `${h[0]}${h[1]}${h[2]}${h[3]}-${h[4]}${h[5]}-${h[6]}${h[7]}-` +
      `${h[8]}${h[9]}-${h[10]}${h[11]}${h[12]}${h[13]}${h[14]}${h[15]}`
    );
  }
}

export function seededRandom(seed: string): Random {
  return new Random(seed);
}

/**
 * A function that picks a value in proportion to its weight, with the cumulative weights worked
 * out once (binary search per draw). Weights must be finite and >= 0, with a positive total.
 */
export function weightedPicker<T>(pairs: readonly (readonly [T, number])[]): (random: Random) => T {
  const values: T[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const [value, weight] of pairs) {
    if (!Number.isFinite(weight) || weight < 0) throw new Error(`weight must be >= 0, got ${weight}`);
    if (weight === 0) continue;
    total += weight;
    values.push(value);
    cumulative.push(total);
  }
  if (total <= 0) throw new Error('weighted pick needs a positive total weight');
  return (random) => {
    const x = random.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (x < (cumulative[mid] as number)) hi = mid;
      else lo = mid + 1;
    }
    return values[lo] as T;
  };
}

/**
 * A seeded permutation of the integers [0, size): a balanced Feistel network over the smallest
 * even power of two that covers `size`, with cycle-walking back into range. Used to hand out
 * unique-looking identifiers (NHS numbers) without remembering which have been used.
 */
export function seededPermutation(random: Random, size: number): (index: number) => number {
  if (!Number.isInteger(size) || size < 1 || size > 2 ** 40) throw new Error('permutation size must be 1..2^40');
  let halfBits = 1;
  while (2 ** (2 * halfBits) < size) halfBits++;
  const half = 2 ** halfBits;
  const mask = half - 1;
  const keys = Array.from({ length: 4 }, () => random.uint32());
  const round = (r: number, key: number) => (Math.imul(r ^ key, 0x9e3779b1) >>> 7) & mask;
  const encrypt = (x: number) => {
    let left = Math.floor(x / half);
    let right = x % half;
    for (const key of keys) {
      const next = left ^ round(right, key);
      left = right;
      right = next;
    }
    return left * half + right;
  };
  return (index) => {
    if (!Number.isInteger(index) || index < 0 || index >= size) throw new Error(`index ${index} outside 0..${size - 1}`);
    let x = encrypt(index);
    while (x >= size) x = encrypt(x);
    return x;
  };
}
