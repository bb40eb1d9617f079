/**
 * Seeded random numbers for the guard simulator: a uniform generator (reproducible from a seed)
 * and Poisson counts, exact at every mean (Knuth's product method below a mean of 30, Hörmann's PTRS transformed rejection above: W. Hörmann, "The transformed rejection
 * method for generating Poisson random variables", Insurance: Mathematics and Economics 12, 1993).
 */

/** A uniform generator on [0, 1). */
export type Uniform = () => number;

/**
 * L'Ecuyer's combined multiplicative generator (P. L'Ecuyer, "Efficient and portable combined
 * random number generators", CACM 31(6), 1988): two Lehmer generators whose difference has a
 * period of about 2.3e18. Exact in double arithmetic (every product stays below 2^53).
 */
export function seededUniform(seed: number): Uniform {
  const m1 = 2147483563;
  const m2 = 2147483399;
  // Spread small seeds over the state space (a small Lehmer state gives small first outputs), then
  // discard a few outputs so that nearby seeds start far apart.
  const k = Math.abs(Math.floor(seed)) % 1_000_000_007;
  let s1 = 1 + ((k * 2_654_435 + 1_013_904_223) % (m1 - 1));
  let s2 = 1 + ((k * 1_664_525 + 2_147_483_000) % (m2 - 1));
  const next = (): number => {
    s1 = (40014 * s1) % m1;
    s2 = (40692 * s2) % m2;
    let z = s1 - s2;
    if (z < 1) {
      z += m1 - 1;
    }
    return (z - 1) / (m1 - 1);
  };
  for (let i = 0; i < 16; i++) {
    next();
  }
  return next;
}

/**
 * A fast uniform generator on [0, 1) for the many draws of the latency model: Chris
 * Doty-Humphrey's sfc32 (Small Fast Counting, from PractRand; 128 bits of state, 32-bit integer
 * operations only), seeded through splitmix32 so that nearby seeds start far apart.
 */
/* eslint-disable no-bitwise -- sfc32 and splitmix32 are defined on 32-bit integers */
export function fastUniform(seed: number): Uniform {
  let z = (Math.floor(Math.abs(seed)) >>> 0) ^ 0x5bd1e995;
  const splitmix = (): number => {
    z = (z + 0x9e3779b9) | 0;
    let t = z ^ (z >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) {
    next();
  }
  return next;
}
/* eslint-enable no-bitwise */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; about 15 significant digits). */
export function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) {
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) {
    a += c[i] / (z + i);
  }
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** A Poisson count of mean `mean` (0 for a mean of 0). */
export function poisson(random: Uniform, mean: number): number {
  if (mean <= 0) {
    return 0;
  }
  if (mean < 30) {
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = random(); p > limit; p *= random()) {
      k++;
    }
    return k;
  }
  const root = Math.sqrt(mean);
  const logMean = Math.log(mean);
  const b = 0.931 + 2.53 * root;
  const a = -0.059 + 0.02483 * b;
  const inverseAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = random() - 0.5;
    const v = random();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor((2 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) {
      return k;
    }
    if (k < 0 || (us < 0.013 && v > us)) {
      continue;
    }
    if (Math.log(v) + Math.log(inverseAlpha) - Math.log(a / (us * us) + b) <= -mean + k * logMean - logGamma(k + 1)) {
      return k;
    }
  }
}
