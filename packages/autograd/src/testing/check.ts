/**
 * Finite-difference gradient check.
 *
 * The output y = fn(inputs) is reduced to a scalar L = sum_k w_k y_k with seeded random weights w
 * in [-1, 1) (so one backward pass checks every output element, with signs that expose
 * broadcasting and transposition mistakes). The analytic gradient is backward with { gradient: w };
 * the numeric one perturbs one input element at a time.
 *
 * Why float32 evaluation is precise enough here (no float64 backend is needed):
 * - steps are powers of two, h = 2^round(log2(epsilon max(|x|, 1))), so x +- h is exact in float32
 *   and the denominator is exact (the actual float32 difference is used regardless);
 * - L is summed in float64 from the float32 outputs, so only the rounding of each output counts,
 *   and outputs that do not depend on the perturbed element are bitwise equal and cancel exactly;
 * - central differences at h and h/2 are combined by Richardson extrapolation, (4 D(h/2) - D(h)) / 3,
 *   which removes the h^2 truncation term, so h can be large (2^-6 by default) and the rounding
 *   error of the outputs, divided by h, stays small;
 * - the tolerance adds to relative + absolute terms an estimate of that rounding error computed
 *   from the outputs that changed: roundoff ulps x u x sum |w_k| (|y_k(x+h)| + |y_k(x-h)|) / 2h.
 * Inputs must stay h away from kinks (relu at 0, ties of max); when D(h) and D(h/2) disagree the
 * failure message says the element may sit on one.
 */
import { Tensor, tensor } from '@lowbit/tensor';
import { SeededRandom } from '@lowbit/tensor/testing';
import { gradients } from '../backward.js';
import { noGrad } from '../mode.js';
import { Variable } from '../variable.js';

export interface CheckGradientOptions {
  /** Relative step: h is the power of two nearest epsilon max(|x|, 1). Default 2^-6. */
  epsilon?: number;
  /** |analytic - numeric| <= absolute + relative max(|analytic|, |numeric|) + rounding estimate. Default { relative: 1e-3, absolute: 1e-5 }. */
  tolerance?: number | { relative?: number; absolute?: number };
  /** Output roundings assumed per output value, in units of 2^-24 |y|. Default 8 (composite ops round several times). */
  roundoff?: number;
  /** Seed of the projection weights. Default 1. */
  seed?: number;
  /** Indices of the inputs to check. Default: every float32 input. */
  wrt?: readonly number[];
  /** A label for messages (the op or case name). */
  label?: string;
}

export interface InputCheck {
  index: number;
  analytic: Float64Array;
  numeric: Float64Array;
}

export interface GradientCheckReport {
  inputs: InputCheck[];
  /** Largest |analytic - numeric| / allowed over every element (<= 1 when the check passes). */
  worstRatio: number;
  /** Number of forward evaluations made. */
  evaluations: number;
}

/** The analytic gradient differs from the finite differences beyond the tolerance. */
export class GradientCheckError extends Error {
  override readonly name = 'GradientCheckError';
  constructor(
    message: string,
    readonly report: GradientCheckReport,
  ) {
    super(message);
  }
}

const UNIT_ROUNDOFF = 2 ** -24;

function powerOfTwoNear(value: number): number {
  return 2 ** Math.round(Math.log2(value));
}

function coordinates(index: number, shape: readonly number[]): string {
  const result: number[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    result.unshift(index % shape[axis]);
    index = Math.floor(index / shape[axis]);
  }
  return `[${result.join(',')}]`;
}

/**
 * Compares the gradients of `fn` at `inputs` with central finite differences. Throws a
 * GradientCheckError listing the worst elements when they disagree; returns the report otherwise.
 */
export function checkGradient(fn: (...inputs: Variable[]) => Variable, inputs: readonly (Tensor | Variable)[], options: CheckGradientOptions = {}): GradientCheckReport {
  const epsilon = options.epsilon ?? 2 ** -6;
  const tolerance = typeof options.tolerance === 'number' ? { relative: options.tolerance, absolute: options.tolerance } : (options.tolerance ?? {});
  const relative = tolerance.relative ?? 1e-3;
  const absolute = tolerance.absolute ?? 1e-5;
  const roundoff = (options.roundoff ?? 8) * UNIT_ROUNDOFF;
  const label = options.label ?? 'checkGradient';
  const tensors = inputs.map((input) => (input instanceof Variable ? input.value : input));
  const wrt = options.wrt ?? tensors.flatMap((t, i) => (t.dtype === 'float32' ? [i] : []));

  const tracked = tensors.map((t, i) => new Variable(t, { requiresGrad: wrt.includes(i) }));
  const output = fn(...tracked);
  if (!(output instanceof Variable)) throw new TypeError(`${label}: fn must return a Variable, got ${String(output)}`);
  const random = new SeededRandom(options.seed ?? 1);
  const weights = random.values(output.size, -1, 1);
  const weightTensor = tensor(weights, output.shape, { backend: output.value.backend });
  const analytic = output.requiresGrad
    ? gradients(output, wrt.map((i) => tracked[i]), { gradient: weightTensor }).map((g) => Float64Array.from(g.data()))
    : wrt.map((i) => new Float64Array(tensors[i].size));

  let evaluations = 0;
  const evaluate = (index: number, values: Float32Array): Float32Array =>
    noGrad(() => {
      evaluations++;
      const replaced = tensors.map((t, i) => new Variable(i === index ? tensor(values, t.shape, { backend: t.backend }) : t));
      return fn(...replaced).value.data() as Float32Array;
    });
  /** Central difference at step h and the rounding-error estimate of its numerator / 2h. */
  const difference = (index: number, base: Float32Array, j: number, h: number): { derivative: number; error: number } => {
    const plus = base.slice();
    const minus = base.slice();
    plus[j] = base[j] + h;
    minus[j] = base[j] - h;
    const yPlus = evaluate(index, plus);
    const yMinus = evaluate(index, minus);
    let change = 0;
    let magnitude = 0;
    for (let k = 0; k < weights.length; k++) {
      if (yPlus[k] === yMinus[k]) continue; // unaffected outputs cancel exactly
      change += weights[k] * (yPlus[k] - yMinus[k]);
      magnitude += Math.abs(weights[k]) * (Math.abs(yPlus[k]) + Math.abs(yMinus[k]));
    }
    const step = plus[j] - minus[j];
    return { derivative: change / step, error: (roundoff * magnitude) / step };
  };

  const checks: InputCheck[] = [];
  const failures: string[] = [];
  let failureCount = 0;
  let worstRatio = 0;
  wrt.forEach((index, position) => {
    const base = tensors[index].data() as Float32Array;
    const numeric = new Float64Array(base.length);
    for (let j = 0; j < base.length; j++) {
      const h = powerOfTwoNear(epsilon * Math.max(Math.abs(base[j]), 1));
      const coarse = difference(index, base, j, h);
      const fine = difference(index, base, j, h / 2);
      numeric[j] = (4 * fine.derivative - coarse.derivative) / 3;
      const rounding = (4 * fine.error + coarse.error) / 3;
      const a = analytic[position][j];
      const allowed = absolute + relative * Math.max(Math.abs(a), Math.abs(numeric[j])) + rounding;
      const error = Math.abs(a - numeric[j]);
      const ratio = Number.isNaN(error) ? Infinity : error / allowed;
      worstRatio = Math.max(worstRatio, ratio);
      if (ratio <= 1) continue;
      failureCount++;
      if (failures.length < 6) {
        const kink = Math.abs(coarse.derivative - fine.derivative) > allowed ? ' (D(h) and D(h/2) disagree: x may sit near a kink or a tie)' : '';
        failures.push(
          `  input ${index} ${coordinates(j, tensors[index].shape)} = ${base[j]}: analytic ${a}, numeric ${numeric[j]}, error ${error.toExponential(3)} > allowed ${allowed.toExponential(3)}${kink}`,
        );
      }
    }
    checks.push({ index, analytic: analytic[position], numeric });
  });
  const report: GradientCheckReport = { inputs: checks, worstRatio, evaluations };
  if (failureCount > 0) {
    throw new GradientCheckError(`${label}: ${failureCount} gradient value(s) differ from central finite differences (h = epsilon ${epsilon} x max(|x|, 1)):\n${failures.join('\n')}`, report);
  }
  return report;
}
