/**
 * Limited-memory BFGS with a strong-Wolfe line search (Nocedal & Wright, Algorithms 7.4, 3.5, 3.6).
 * Minimizes a smooth function given as `f(x, grad) → value` that fills `grad` in place.
 */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  maxIter: number;
  /** Number of correction pairs kept. */
  memory?: number;
  /** Stop when the largest absolute gradient entry is at most this. */
  gradTol: number;
  /** Stop when the relative decrease of f in one iteration is at most this. */
  relTol?: number;
  onIteration?: (iteration: number, value: number, gradInfNorm: number) => void;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
  reason: 'gradient' | 'relative-decrease' | 'max-iterations' | 'line-search';
}

const C1 = 1e-4;
const C2 = 0.9;
const MAX_LINE_SEARCH = 25;

export function minimizeLbfgs(f: Objective, x0: Float64Array, options: LbfgsOptions): LbfgsResult {
  const n = x0.length;
  const m = options.memory ?? 10;
  const relTol = options.relTol ?? 1e-12;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let fx = f(x, g);
  if (infNorm(g) <= options.gradTol) return { x, value: fx, iterations: 0, converged: true, reason: 'gradient' };

  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alphaBuf = new Float64Array(m);
  const d = new Float64Array(n);
  const xTrial = new Float64Array(n);
  const gTrial = new Float64Array(n);

  // phi(a) = f(x + a d); evaluates into xTrial/gTrial and returns [value, slope].
  const evalAt = (a: number): [number, number] => {
    for (let i = 0; i < n; i++) xTrial[i] = x[i] + a * d[i];
    const v = f(xTrial, gTrial);
    return [v, dot(gTrial, d)];
  };

  for (let iter = 1; iter <= options.maxIter; iter++) {
    twoLoopDirection(g, S, Y, rho, alphaBuf, d);
    let slope0 = dot(g, d);
    if (!(slope0 < 0)) {
      // Curvature information went bad (can happen with float noise): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      slope0 = dot(g, d);
    }
    const step0 = S.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1;
    const accepted = strongWolfe(evalAt, fx, slope0, step0);
    if (accepted === null) {
      return { x, value: fx, iterations: iter, converged: false, reason: 'line-search' };
    }
    // xTrial/gTrial hold the accepted point.
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xTrial[i] - x[i];
      y[i] = gTrial[i] - g[i];
    }
    const fPrev = fx;
    x.set(xTrial);
    g.set(gTrial);
    fx = accepted;
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(y, y) * dot(s, s))) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const gInf = infNorm(g);
    options.onIteration?.(iter, fx, gInf);
    if (gInf <= options.gradTol) return { x, value: fx, iterations: iter, converged: true, reason: 'gradient' };
    if (fPrev - fx <= relTol * Math.max(Math.abs(fPrev), Math.abs(fx))) {
      return { x, value: fx, iterations: iter, converged: true, reason: 'relative-decrease' };
    }
  }
  return { x, value: fx, iterations: options.maxIter, converged: false, reason: 'max-iterations' };
}

/** d = -H g, with H the L-BFGS inverse-Hessian approximation scaled by s'y / y'y. */
function twoLoopDirection(
  g: Float64Array,
  S: Float64Array[],
  Y: Float64Array[],
  rho: number[],
  alpha: Float64Array,
  d: Float64Array,
): void {
  const n = g.length;
  for (let i = 0; i < n; i++) d[i] = -g[i];
  const k = S.length;
  for (let j = k - 1; j >= 0; j--) {
    alpha[j] = rho[j] * dot(S[j], d);
    axpy(-alpha[j], Y[j], d);
  }
  if (k > 0) {
    const gamma = dot(S[k - 1], Y[k - 1]) / dot(Y[k - 1], Y[k - 1]);
    for (let i = 0; i < n; i++) d[i] *= gamma;
  }
  for (let j = 0; j < k; j++) {
    const beta = rho[j] * dot(Y[j], d);
    axpy(alpha[j] - beta, S[j], d);
  }
}

/**
 * Finds a step satisfying the strong Wolfe conditions. Returns the function value at the accepted
 * step (whose point and gradient are the last ones `phi` evaluated), or null if none was found.
 */
function strongWolfe(phi: (a: number) => [number, number], f0: number, slope0: number, step0: number): number | null {
  let aPrev = 0;
  let fPrev = f0;
  let dPrev = slope0;
  let a = step0;
  for (let i = 0; i < MAX_LINE_SEARCH; i++) {
    const [fa, da] = phi(a);
    if (!Number.isFinite(fa)) {
      a = (aPrev + a) / 2;
      continue;
    }
    if (fa > f0 + C1 * a * slope0 || (i > 0 && fa >= fPrev)) return zoom(phi, f0, slope0, aPrev, fPrev, dPrev, a, fa, da);
    if (Math.abs(da) <= -C2 * slope0) return fa;
    if (da >= 0) return zoom(phi, f0, slope0, a, fa, da, aPrev, fPrev, dPrev);
    aPrev = a;
    fPrev = fa;
    dPrev = da;
    a *= 2;
  }
  return null;
}

function zoom(
  phi: (a: number) => [number, number],
  f0: number,
  slope0: number,
  aLo: number,
  fLo: number,
  dLo: number,
  aHi: number,
  fHi: number,
  dHi: number,
): number | null {
  for (let i = 0; i < MAX_LINE_SEARCH; i++) {
    const a = cubicStep(aLo, fLo, dLo, aHi, fHi, dHi);
    const [fa, da] = phi(a);
    if (fa > f0 + C1 * a * slope0 || fa >= fLo) {
      aHi = a;
      fHi = fa;
      dHi = da;
    } else {
      if (Math.abs(da) <= -C2 * slope0) return fa;
      if (da * (aHi - aLo) >= 0) {
        aHi = aLo;
        fHi = fLo;
        dHi = dLo;
      }
      aLo = a;
      fLo = fa;
      dLo = da;
    }
    if (Math.abs(aHi - aLo) < 1e-16 * Math.max(1, Math.abs(aLo))) break;
  }
  // No step met the curvature condition, but aLo decreases f sufficiently: take it.
  if (aLo > 0) {
    const [fa] = phi(aLo);
    return fa;
  }
  return null;
}

/** Minimizer of the cubic through both end points, kept inside the interval (else bisection). */
function cubicStep(a0: number, f0: number, d0: number, a1: number, f1: number, d1: number): number {
  const lo = Math.min(a0, a1);
  const hi = Math.max(a0, a1);
  const width = hi - lo;
  const t1 = d0 + d1 - (3 * (f0 - f1)) / (a0 - a1);
  const disc = t1 * t1 - d0 * d1;
  if (disc >= 0) {
    const t2 = Math.sign(a1 - a0) * Math.sqrt(disc);
    const a = a1 - ((a1 - a0) * (d1 + t2 - t1)) / (d1 - d0 + 2 * t2);
    if (Number.isFinite(a) && a > lo + 0.1 * width && a < hi - 0.1 * width) return a;
  }
  return (a0 + a1) / 2;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += alpha * x[i];
}

function infNorm(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}
