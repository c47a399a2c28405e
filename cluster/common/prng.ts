/**
 * A small seeded PRNG (sfc32 seeded through splitmix-style mixing of a string or number).
 * Cores take one of these as an input so that a seed reproduces every choice they make
 * (placement, shuffles of equal-distance replicas, generated ids and data).
 */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, bound). `bound` must be a positive integer. */
  int(bound: number): number;
  /** Uint32. */
  uint32(): number;
  /** A derived, independent generator (e.g. one per purpose), stable for a given label. */
  fork(label: string): Prng;
  /** Shuffle a copy of `items`. */
  shuffle<T>(items: readonly T[]): T[];
  /** The seed this generator was created from (for messages and reproduction). */
  readonly seed: string;
}

function hashString(text: string): [number, number, number, number] {
  // cyrb128: spreads a string over four 32-bit words.
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
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}

export function createPrng(seed: string | number): Prng {
  const seedText = String(seed);
  let [a, b, c, d] = hashString(seedText);
  const uint32 = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const result = (t + d) | 0;
    c = (c + result) | 0;
    return result >>> 0;
  };
  // Warm up so that similar seeds diverge.
  for (let i = 0; i < 15; i++) uint32();
  const prng: Prng = {
    seed: seedText,
    uint32,
    next: () => uint32() / 4294967296,
    int: (bound: number) => {
      if (!Number.isInteger(bound) || bound <= 0)
        throw new Error(`prng.int: bound must be a positive integer, got ${bound}`);
      return Math.floor((uint32() / 4294967296) * bound);
    },
    fork: (label: string) => createPrng(`${seedText}/${label}`),
    shuffle: <T>(items: readonly T[]): T[] => {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor((uint32() / 4294967296) * (i + 1));
        const tmp = out[i] as T;
        out[i] = out[j] as T;
        out[j] = tmp;
      }
      return out;
    },
  };
  return prng;
}

/** A UUID (version 4 layout) drawn from a PRNG, so seeded clusters get reproducible ids. */
export function prngUuid(prng: Prng): string {
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i += 4) {
    const word = prng.uint32();
    bytes[i] = word >>> 24;
    bytes[i + 1] = (word >>> 16) & 0xff;
    bytes[i + 2] = (word >>> 8) & 0xff;
    bytes[i + 3] = word & 0xff;
  }
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
