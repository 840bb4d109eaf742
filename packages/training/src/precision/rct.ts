/**
 * RCT's per-layer dynamic bit width (papers.md section 3, reconstruction R; docs/decisions/0016).
 *
 * Each controlled weight is stored only as b-bit integers q with a power-of-two scale s = 2^-f:
 * a saturating fixed-point format <b, f> of @lowbit/formats, and no float32 master copy. The
 * optimizer's write w <- s Q(q + (-lr g) / s) is the Parameter's `assign` rounding the float32
 * sum into <b, f> (nearest or stochastic, clamped at the ends). Every `interval` (K) steps the
 * controller averages Gavg = mean |lr g| / s over the window and, per layer:
 *
 * - Gavg < lowerThreshold (0.5): updates are mostly lost, add a bit: <b + 1, f + 1>, s halves,
 *   every stored value stays exactly representable;
 * - Gavg > upperThreshold (2.0): updates are coarse enough, drop a bit: <b - 1, f - 1>, s doubles,
 *   values are rounded (the controller's rounding);
 * - b stays within [minBits, maxBits]; after a change the layer waits `cooldown` steps.
 *
 * Adding or dropping a bit moves s and b together, so the range 2^r (r = b - 1 - f) is fixed at
 * attach time from max |w| plus `headroomBits`: RCT trades precision, never range.
 */
import { deriveSeed, type Parameter } from '@lowbit/autograd';
import { fixedPointFormat, type Rounding } from '@lowbit/formats';
import { ArgumentError } from '@lowbit/tensor';
import type { Module } from '@lowbit/nn';
import type { OptimizerStatistics } from '@lowbit/optim';
import { CheckpointError } from '../errors.js';
import type { AfterStepInfo, PrecisionController } from './controller.js';

export interface RctOptions {
  /** Default 4. */
  minBits?: number;
  /** Default 16. */
  maxBits?: number;
  /** Bits at the start. Default 8. */
  initialBits?: number;
  /** Gavg below this adds a bit. Default 0.5. */
  lowerThreshold?: number;
  /** Gavg above this drops a bit. Default 2. */
  upperThreshold?: number;
  /** K: steps per Gavg window and decision. Default 100. */
  interval?: number;
  /** Steps a layer waits after a change before the next one. Default `interval`. */
  cooldown?: number;
  /** Rounding of weight updates and of dropped bits. Default 'nearest-even'. */
  rounding?: Extract<Rounding, 'nearest-even' | 'stochastic'>;
  /**
   * 'gradient' (default): Gavg = mean |lr g| / s as RCT defines it (lr from the optimizer's
   * statistics); 'update': mean |u| / s of the update actually applied (optim's `gavg`), which
   * differs from the former with momentum or Adam.
   */
  signal?: 'gradient' | 'update';
  /** Range above the initial max |w|, in powers of two. Default 2 (4x room to grow). */
  headroomBits?: number;
  /** Controlled parameters: names, or a predicate. Default: every Linear and Conv2d weight (biases stay float32, added in the accumulator). */
  layers?: readonly string[] | ((parameterName: string, module: Module) => boolean);
  /** Key of the stochastic-rounding streams (one per parameter). Default 0. */
  seed?: number;
}

export interface RctDecision {
  /** Optimizer steps taken when the decision was made. */
  step: number;
  gavg: number;
  /** Bits after the decision. */
  bits: number;
  fractionBits: number;
  change: -1 | 0 | 1;
}

export interface RctLayerReport {
  parameter: string;
  layer: string;
  type: string;
  elements: number;
  initialBits: number;
  finalBits: number;
  /** Range exponent r: values lie in [-2^r, 2^r - s]. */
  rangeExponent: number;
  finalFractionBits: number;
  /** Bits averaged over the steps taken (time-weighted), for energy and memory over the run. */
  meanBits: number;
  /** Every change (and the initial width at step 0). */
  bitsHistory: { step: number; bits: number }[];
  /** Every decision (one per window), with its Gavg. */
  decisions: RctDecision[];
}

export interface RctReport {
  kind: 'rct';
  config: Record<string, unknown>;
  steps: number;
  layers: RctLayerReport[];
}

interface LayerState {
  parameter: string;
  layer: string;
  type: string;
  elements: number;
  initialBits: number;
  bits: number;
  fractionBits: number;
  rangeExponent: number;
  windowSum: number;
  windowCount: number;
  sinceChange: number;
  bitsHistory: { step: number; bits: number }[];
  decisions: RctDecision[];
}

function integerIn(op: string, field: string, value: unknown, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) throw new ArgumentError(op, field, value, `an integer in [${min}, ${max}]`);
  return value as number;
}

/** floor(log2 a) for a finite a > 0, exact at powers of two. */
function floorLog2(a: number): number {
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return e;
}

const formatOf = (bits: number, fractionBits: number) => fixedPointFormat({ wordBits: bits, fractionBits, overflow: 'saturate' });

/** The learning rate a parameter was updated with at the latest step (routes have their own). */
function learningRateOf(statistics: OptimizerStatistics, name: string): number | undefined {
  if (statistics.routes !== undefined) {
    for (const route of Object.values(statistics.routes)) if (route.parameters.some((p) => p.name === name)) return learningRateOf(route, name);
    return undefined;
  }
  return statistics.hyperparameters.learningRate;
}

export function rctController(options: RctOptions = {}): PrecisionController {
  const op = 'rctController';
  if (options === null || typeof options !== 'object') throw new ArgumentError(op, 'options', options, '{ minBits?, maxBits?, initialBits?, lowerThreshold?, upperThreshold?, interval?, cooldown?, rounding?, ... }');
  const minBits = integerIn(op, 'minBits', options.minBits ?? 4, 2, 25);
  const maxBits = integerIn(op, 'maxBits', options.maxBits ?? 16, minBits, 25);
  const initialBits = integerIn(op, 'initialBits', options.initialBits ?? 8, minBits, maxBits);
  const lowerThreshold = options.lowerThreshold ?? 0.5;
  const upperThreshold = options.upperThreshold ?? 2;
  if (typeof lowerThreshold !== 'number' || !(lowerThreshold >= 0)) throw new ArgumentError(op, 'lowerThreshold', lowerThreshold, 'a number >= 0');
  if (typeof upperThreshold !== 'number' || !(upperThreshold > lowerThreshold)) throw new ArgumentError(op, 'upperThreshold', upperThreshold, `a number > lowerThreshold (${lowerThreshold})`);
  const interval = integerIn(op, 'interval', options.interval ?? 100, 1, Number.MAX_SAFE_INTEGER);
  const cooldown = integerIn(op, 'cooldown', options.cooldown ?? interval, 0, Number.MAX_SAFE_INTEGER);
  const rounding = options.rounding ?? 'nearest-even';
  if (rounding !== 'nearest-even' && rounding !== 'stochastic') throw new ArgumentError(op, 'rounding', rounding, "'nearest-even' or 'stochastic'");
  const signal = options.signal ?? 'gradient';
  if (signal !== 'gradient' && signal !== 'update') throw new ArgumentError(op, 'signal', signal, "'gradient' or 'update'");
  const headroomBits = integerIn(op, 'headroomBits', options.headroomBits ?? 2, 0, 16);
  const seed = integerIn(op, 'seed', options.seed ?? 0, 0, Number.MAX_SAFE_INTEGER);
  const select = options.layers;
  if (select !== undefined && typeof select !== 'function' && !(Array.isArray(select) && select.every((name) => typeof name === 'string'))) {
    throw new ArgumentError(op, 'layers', select, 'parameter names or a predicate (parameterName, module) => boolean');
  }
  const config = { kind: 'rct', minBits, maxBits, initialBits, lowerThreshold, upperThreshold, interval, cooldown, rounding, signal, headroomBits, seed, layers: Array.isArray(select) ? [...select] : select === undefined ? 'Linear and Conv2d weights' : 'custom predicate' };
  let layers: LayerState[] = [];
  let parameters = new Map<string, Parameter>();
  let steps = 0;

  const setBits = (layer: LayerState, bits: number, fractionBits: number) => {
    layer.bits = bits;
    layer.fractionBits = fractionBits;
    parameters.get(layer.parameter)!.setFormat(formatOf(bits, fractionBits));
  };

  return {
    kind: 'rct',
    config,
    attach(model) {
      layers = [];
      parameters = new Map();
      steps = 0;
      for (const [name, parameter] of model.namedParameters()) {
        const cut = name.lastIndexOf('.');
        const path = cut < 0 ? '' : name.slice(0, cut);
        const module = model.module(path);
        const chosen = select === undefined ? (module.type === 'Linear' || module.type === 'Conv2d') && name.slice(cut + 1) === 'weight' : typeof select === 'function' ? select(name, module) : select.includes(name);
        if (!chosen) continue;
        const values = parameter.value.data() as Float32Array;
        let maxAbs = 0;
        for (let i = 0; i < values.length; i++) maxAbs = Math.max(maxAbs, Math.abs(values[i]));
        if (!Number.isFinite(maxAbs)) throw new ArgumentError(op, `initial values of ${name}`, maxAbs, 'finite weights');
        const rangeExponent = (maxAbs > 0 ? floorLog2(maxAbs) + 1 : 0) + headroomBits;
        const fractionBits = initialBits - 1 - rangeExponent;
        parameter.setFormat(formatOf(initialBits, fractionBits), { rounding, seed: deriveSeed(seed, `${name}/rct`) });
        parameters.set(name, parameter);
        layers.push({ parameter: name, layer: path, type: module.type, elements: parameter.size, initialBits, bits: initialBits, fractionBits, rangeExponent, windowSum: 0, windowCount: 0, sinceChange: cooldown, bitsHistory: [{ step: 0, bits: initialBits }], decisions: [] });
      }
      if (layers.length === 0) {
        const names = model.namedParameters().map(([name]) => name);
        throw new ArgumentError(op, 'layers', Array.isArray(select) ? select : String(select ?? 'default'), `names of parameters of the model: ${names.join(', ') || '(none)'}`, 'the controller selected no parameter');
      }
    },
    afterStep({ step, statistics }: AfterStepInfo) {
      steps = step;
      if (statistics === undefined) return;
      const records = new Map(statistics.parameters.map((record) => [record.name, record]));
      for (const layer of layers) {
        const record = records.get(layer.parameter);
        if (record === undefined || record.skipped) continue;
        let gavg: number;
        if (signal === 'update') {
          if (record.gavg === undefined) throw new ArgumentError(op, 'signal', signal, "'gradient'", `the optimizer of ${layer.parameter} reports no gavg (Bop, or statistics: false)`);
          gavg = record.gavg;
        } else {
          const learningRate = learningRateOf(statistics, layer.parameter);
          if (learningRate === undefined) throw new ArgumentError(op, 'signal', signal, "'update'", `the optimizer of ${layer.parameter} has no learningRate`);
          const grad = parameters.get(layer.parameter)!.grad?.data() as Float32Array | undefined;
          if (grad === undefined) continue;
          let sum = 0;
          for (let i = 0; i < grad.length; i++) sum += Math.abs(grad[i]);
          gavg = (Math.abs(learningRate) * (sum / grad.length)) / 2 ** -layer.fractionBits;
        }
        layer.windowSum += gavg;
        layer.windowCount++;
        layer.sinceChange++;
        if (layer.windowCount < interval) continue;
        const mean = layer.windowSum / layer.windowCount;
        layer.windowSum = 0;
        layer.windowCount = 0;
        let change: -1 | 0 | 1 = 0;
        if (layer.sinceChange >= cooldown) {
          if (mean < lowerThreshold && layer.bits < maxBits) change = 1;
          else if (mean > upperThreshold && layer.bits > minBits) change = -1;
        }
        if (change !== 0) {
          setBits(layer, layer.bits + change, layer.fractionBits + change);
          layer.sinceChange = 0;
          layer.bitsHistory.push({ step, bits: layer.bits });
        }
        layer.decisions.push({ step, gavg: mean, bits: layer.bits, fractionBits: layer.fractionBits, change });
      }
    },
    bits: () => Object.fromEntries(layers.map((layer) => [layer.parameter, layer.bits])),
    state: () => ({ kind: 'rct', steps, layers: structuredClone(layers) }),
    loadState(state, model) {
      const saved = state as { kind: string; steps: number; layers: LayerState[] };
      if (saved?.kind !== 'rct' || !Array.isArray(saved.layers)) throw new CheckpointError('', 'mismatch', `the precision state is ${JSON.stringify(saved?.kind)}, this run uses an RCT controller`);
      const expected = layers.map((layer) => layer.parameter).join(', ');
      const given = saved.layers.map((layer) => layer.parameter).join(', ');
      if (expected !== given) throw new CheckpointError('', 'mismatch', `RCT controls ${given} in the checkpoint and ${expected} in this run`, 'Use the same model and the same rctController layers');
      parameters = new Map(model.namedParameters().filter(([name]) => saved.layers.some((layer) => layer.parameter === name)));
      layers = structuredClone(saved.layers);
      steps = saved.steps;
      for (const layer of layers) setBits(layer, layer.bits, layer.fractionBits);
    },
    report(): RctReport {
      return {
        kind: 'rct',
        config,
        steps,
        layers: layers.map((layer) => {
          let weighted = 0;
          layer.bitsHistory.forEach((entry, i) => {
            const end = i + 1 < layer.bitsHistory.length ? layer.bitsHistory[i + 1].step : steps;
            weighted += entry.bits * (end - entry.step);
          });
          return {
            parameter: layer.parameter,
            layer: layer.layer,
            type: layer.type,
            elements: layer.elements,
            initialBits: layer.initialBits,
            finalBits: layer.bits,
            rangeExponent: layer.rangeExponent,
            finalFractionBits: layer.fractionBits,
            meanBits: steps === 0 ? layer.bits : weighted / steps,
            bitsHistory: layer.bitsHistory.map((entry) => ({ ...entry })),
            decisions: layer.decisions.map((entry) => ({ ...entry })),
          };
        }),
      };
    },
  };
}
