import { createRng } from '../util/random.js';
import { chooseParams, type Domain, type Params, type SearchSpace, type SpaceParam } from './space.js';

/** A finished trial as the samplers see it: `loss` is lower-is-better (the metric negated when maximized); null for pruned or failed trials. */
export interface Observation {
  params: Params;
  loss: number | null;
}

export interface Sampler {
  /** The values of trial `number` (0-based), given the trials finished so far. Deterministic in (seed, number, history). */
  suggest(number: number, history: readonly Observation[]): Params;
  /** How many distinct trials the sampler can produce (grid); Infinity for the others. */
  readonly size: number;
}

/** A seed per trial, so trial n draws the same values whether or not earlier trials ran in this process. */
function trialRng(seed: number, number: number): () => number {
  return createRng((Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(number + 1, 0x85ebca6b)) >>> 0);
}

/** Four significant digits: enough for any hyperparameter, and the best recipe stays readable. */
function roundValue(x: number): number {
  return Number(x.toPrecision(4));
}

export function sampleUniform(domain: Domain, rng: () => number): unknown {
  switch (domain.kind) {
    case 'choice':
      return domain.values[Math.min(domain.values.length - 1, Math.floor(rng() * domain.values.length))];
    case 'range':
      return roundValue(domain.low + rng() * (domain.high - domain.low));
    case 'log_range':
      return roundValue(Math.exp(Math.log(domain.low) + rng() * (Math.log(domain.high) - Math.log(domain.low))));
    case 'int_range':
      return domain.low + Math.min(domain.high - domain.low, Math.floor(rng() * (domain.high - domain.low + 1)));
  }
}

export class RandomSampler implements Sampler {
  readonly size = Infinity;
  constructor(
    private readonly space: SearchSpace,
    private readonly baseRaw: Record<string, unknown>,
    private readonly seed: number,
  ) {}

  suggest(number: number): Params {
    const rng = trialRng(this.seed, number);
    return chooseParams(this.space, this.baseRaw, (p) => sampleUniform(p.domain, rng));
  }
}

/** Points a grid takes from a numeric range: every integer of an int_range up to this many, else evenly spaced ones. */
const GRID_POINTS = 5;

export function gridValues(domain: Domain): unknown[] {
  switch (domain.kind) {
    case 'choice':
      return domain.values;
    case 'int_range': {
      const n = domain.high - domain.low + 1;
      if (n <= GRID_POINTS * 2) return Array.from({ length: n }, (_, i) => domain.low + i);
      return [...new Set(Array.from({ length: GRID_POINTS }, (_, i) => Math.round(domain.low + ((domain.high - domain.low) * i) / (GRID_POINTS - 1))))];
    }
    case 'range':
      return Array.from({ length: GRID_POINTS }, (_, i) => roundValue(domain.low + ((domain.high - domain.low) * i) / (GRID_POINTS - 1)));
    case 'log_range': {
      const [a, b] = [Math.log(domain.low), Math.log(domain.high)];
      return Array.from({ length: GRID_POINTS }, (_, i) => roundValue(Math.exp(a + ((b - a) * i) / (GRID_POINTS - 1))));
    }
  }
}

/**
 * Every combination of the parameters' grid values, conditional parameters only where their
 * conditions hold (so `model.alpha` is not crossed with logistic regression), in a seeded
 * shuffled order: a sweep cut short by --trials still covers the space evenly.
 */
export class GridSampler implements Sampler {
  readonly points: Params[];
  constructor(space: SearchSpace, baseRaw: Record<string, unknown>, seed: number) {
    const seen = new Set<string>();
    this.points = [];
    const walk = (fixed: Params) => {
      // Walk the space once with the values fixed so far; the first unfixed active parameter branches.
      let branch: SpaceParam | null = null;
      const params = chooseParams(space, baseRaw, (p) => {
        if (p.path in fixed) return fixed[p.path];
        branch ??= p;
        return gridValues(p.domain)[0];
      });
      if (!branch) {
        const key = JSON.stringify(params);
        if (!seen.has(key)) {
          seen.add(key);
          this.points.push(params);
        }
        return;
      }
      const b: SpaceParam = branch;
      for (const v of gridValues(b.domain)) walk({ ...fixed, [b.path]: v });
    };
    walk({});
    const rng = createRng(seed);
    for (let i = this.points.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [this.points[i], this.points[j]] = [this.points[j], this.points[i]];
    }
  }

  get size(): number {
    return this.points.length;
  }

  suggest(number: number): Params {
    return this.points[number % this.points.length];
  }
}

export interface TpeOptions {
  /** Trials drawn at random before the model takes over. */
  startupTrials?: number;
  /** Fraction of the finished trials that count as good. */
  gamma?: number;
  /** Candidates drawn from l(x) per parameter; the one with the largest l(x)/g(x) wins. */
  candidates?: number;
}

/**
 * Tree-structured Parzen estimator (Bergstra et al. 2011), independent per parameter as in
 * Hyperopt and Optuna: finished trials are split at the γ quantile of their loss into good and
 * bad; each parameter gets a density l(x) over its good values and g(x) over its bad ones
 * (categorical: smoothed counts; numeric: Gaussian kernels on the raw, log or integer scale with
 * adaptive bandwidth, plus a wide prior kernel); candidates drawn from l(x) are ranked by
 * l(x)/g(x). Pruned and failed trials count as bad. A conditional parameter learns only from the
 * trials where it applied.
 */
export class TpeSampler implements Sampler {
  readonly size = Infinity;
  private readonly startup: number;
  private readonly gamma: number;
  private readonly candidates: number;

  constructor(
    private readonly space: SearchSpace,
    private readonly baseRaw: Record<string, unknown>,
    private readonly seed: number,
    options: TpeOptions = {},
  ) {
    this.startup = options.startupTrials ?? 5;
    this.gamma = options.gamma ?? 0.25;
    this.candidates = options.candidates ?? 24;
  }

  suggest(number: number, history: readonly Observation[]): Params {
    const rng = trialRng(this.seed, number);
    if (history.length < this.startup) return chooseParams(this.space, this.baseRaw, (p) => sampleUniform(p.domain, rng));
    return chooseParams(this.space, this.baseRaw, (p) => {
      const obs = history.filter((h) => p.path in h.params);
      if (obs.length < 2) return sampleUniform(p.domain, rng);
      const { good, bad } = splitGoodBad(obs, this.gamma);
      const l = good.map((h) => h.params[p.path]);
      const g = bad.map((h) => h.params[p.path]);
      return p.domain.kind === 'choice' ? suggestCategorical(p.domain.values, l, g, rng, this.candidates) : suggestNumeric(p.domain, l as number[], g as number[], rng, this.candidates);
    });
  }
}

/** The best ⌈γ·n⌉ finished trials are good; the rest, pruned and failed ones included, bad. */
export function splitGoodBad(obs: readonly Observation[], gamma: number): { good: Observation[]; bad: Observation[] } {
  const scored = obs.filter((o) => o.loss !== null).sort((a, b) => a.loss! - b.loss!);
  const nGood = Math.min(scored.length, Math.max(1, Math.ceil(gamma * obs.length)));
  const good = scored.slice(0, nGood);
  const goodSet = new Set(good);
  return { good, bad: obs.filter((o) => !goodSet.has(o)) };
}

function suggestCategorical(values: readonly unknown[], good: readonly unknown[], bad: readonly unknown[], rng: () => number, candidates: number): unknown {
  const keys = values.map((v) => JSON.stringify(v));
  // Smoothed counts: a prior of one observation per choice keeps every choice possible.
  const weights = (obs: readonly unknown[]) => {
    const w = new Float64Array(values.length).fill(1);
    for (const o of obs) {
      const i = keys.indexOf(JSON.stringify(o));
      if (i >= 0) w[i] += 1;
    }
    const total = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / total);
  };
  const l = weights(good);
  const g = weights(bad);
  let best = 0;
  let bestScore = -Infinity;
  for (let c = 0; c < candidates; c++) {
    let u = rng();
    let i = 0;
    while (i < l.length - 1 && u >= l[i]) u -= l[i++];
    const score = Math.log(l[i]) - Math.log(g[i]);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return values[best];
}

/** A truncated Gaussian mixture on [low, high] (internal scale), one kernel per observation plus a prior. */
interface Parzen {
  mus: number[];
  sigmas: number[];
  low: number;
  high: number;
}

function toInternal(domain: Exclude<Domain, { kind: 'choice' }>, x: number): number {
  return domain.kind === 'log_range' ? Math.log(x) : x;
}

function bounds(domain: Exclude<Domain, { kind: 'choice' }>): [number, number] {
  if (domain.kind === 'log_range') return [Math.log(domain.low), Math.log(domain.high)];
  // Integers own the interval ±0.5 around them, so both ends are as likely as the middle ones.
  if (domain.kind === 'int_range') return [domain.low - 0.5, domain.high + 0.5];
  return [domain.low, domain.high];
}

/**
 * Hyperopt's adaptive Parzen estimator: each kernel's width is the larger distance to its sorted
 * neighbours (the range ends included), clipped to [range / min(100, n + 1), range]; the prior is
 * one kernel at the middle as wide as the range.
 */
export function fitParzen(points: readonly number[], low: number, high: number): Parzen {
  const width = high - low;
  const kernels = [...points.map((mu) => ({ mu, prior: false })), { mu: (low + high) / 2, prior: true }].sort((a, b) => a.mu - b.mu);
  const minSigma = width / Math.min(100, kernels.length + 1);
  const sigmas = kernels.map((k, i) => {
    if (k.prior) return width;
    const left = i > 0 ? k.mu - kernels[i - 1].mu : k.mu - low;
    const right = i < kernels.length - 1 ? kernels[i + 1].mu - k.mu : high - k.mu;
    return Math.min(width, Math.max(minSigma, left, right));
  });
  return { mus: kernels.map((k) => k.mu), sigmas, low, high };
}

function normalCdf(z: number): number {
  // Abramowitz–Stegun 7.1.26 on erf: |error| < 1.5e-7, plenty for ranking candidates.
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

export function parzenLogDensity(p: Parzen, x: number): number {
  let sum = 0;
  for (let i = 0; i < p.mus.length; i++) {
    const s = p.sigmas[i];
    const z = (x - p.mus[i]) / s;
    const mass = Math.max(1e-12, normalCdf((p.high - p.mus[i]) / s) - normalCdf((p.low - p.mus[i]) / s));
    sum += Math.exp(-0.5 * z * z) / (s * Math.sqrt(2 * Math.PI) * mass);
  }
  return Math.log(sum / p.mus.length + 1e-300);
}

function sampleParzen(p: Parzen, rng: () => number): number {
  const i = Math.min(p.mus.length - 1, Math.floor(rng() * p.mus.length));
  for (let tries = 0; tries < 20; tries++) {
    // Box–Muller; rejection keeps the draw inside the range (the kernels are truncated).
    const u1 = Math.max(rng(), 1e-12);
    const x = p.mus[i] + p.sigmas[i] * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng());
    if (x >= p.low && x <= p.high) return x;
  }
  return Math.min(p.high, Math.max(p.low, p.mus[i]));
}

function suggestNumeric(domain: Exclude<Domain, { kind: 'choice' }>, good: readonly number[], bad: readonly number[], rng: () => number, candidates: number): number {
  const [low, high] = bounds(domain);
  const l = fitParzen(good.map((x) => toInternal(domain, x)), low, high);
  const g = fitParzen(bad.map((x) => toInternal(domain, x)), low, high);
  let best = sampleParzen(l, rng);
  let bestScore = -Infinity;
  for (let c = 0; c < candidates; c++) {
    const x = c === 0 ? best : sampleParzen(l, rng);
    const score = parzenLogDensity(l, x) - parzenLogDensity(g, x);
    if (score > bestScore) {
      bestScore = score;
      best = x;
    }
  }
  if (domain.kind === 'int_range') return Math.min(domain.high, Math.max(domain.low, Math.round(best)));
  const value = domain.kind === 'log_range' ? Math.exp(best) : best;
  return Math.min(domain.high, Math.max(domain.low, roundValue(value)));
}

export function createSampler(strategy: 'tpe' | 'random' | 'grid', space: SearchSpace, baseRaw: Record<string, unknown>, seed: number): Sampler {
  if (strategy === 'grid') return new GridSampler(space, baseRaw, seed);
  if (strategy === 'random') return new RandomSampler(space, baseRaw, seed);
  return new TpeSampler(space, baseRaw, seed);
}
