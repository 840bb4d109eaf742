/**
 * Bop (Helwegen et al. 2019, "Latent weights do not exist"; Larq's `Bop`), the binary optimizer of
 * Yayla & Chen (papers.md section 4). Per binary weight w and step t:
 *
 *   m = m + gamma(t) · (g - m)                                  (adaptivity gamma; slot 'momentum')
 *   flip w  when  |m| > tau(t)  and  sign(m) = sign(w)          (threshold tau; sign(0) = +1)
 *
 * in float32, operation by operation (Larq: `m.assign_add(gamma * (grad - m))`), with gamma and tau
 * rounded to float32 (Larq casts them to the variable's dtype). The flip test uses the momentum as
 * stored: with a compressed storage that is the rounded value, the only one the hardware has.
 * The new weight is -sign(w) on a flip, else sign(w), times the binary format's scale (1 for a
 * float32 parameter, which Bop makes binary on its first step, as Larq does). For tau >= 0 the
 * test equals Larq's sign(w) · m > tau, except that at sign(w) · m == tau exactly Larq's
 * sign(-sign(w m - tau) w) returns +1 whatever w was; we follow the paper's strict rule there
 * (docs/decisions/0012).
 */
import { tensor, ArgumentError } from '@lowbit/tensor';
import { BaseOptimizer, resolveCommon, type CommonOptions, type OptimizerDefinition, type ParameterContext } from './optimizer.js';
import type { ParameterInput } from './parameters.js';
import { checkSchedule, describeSchedule, scheduleValue, type Schedule } from './schedule.js';
import { slotStatistics, type ParameterStatistics } from './statistics.js';
import { configOf } from './config.js';
import type { MomentumRecorder } from './recorder.js';

export interface BopOptions extends CommonOptions {
  /** tau: flip when |m| exceeds it. Default 1e-8 (Larq; Yayla & Chen). A number, schedule or function of the step. */
  threshold?: Schedule;
  /** gamma: the momentum's adaptivity rate. Default 1e-4. A number, schedule or function of the step. */
  adaptivity?: Schedule;
  /** Logs (m, g) samples of a seeded subset of the weights for `searchMomentumEncoding`. */
  recorder?: MomentumRecorder;
}

const fround = Math.fround;

export function bop(options: BopOptions = {}): OptimizerDefinition {
  const op = 'bop';
  if (options === null || typeof options !== 'object') throw new ArgumentError(op, 'options', options, '{ threshold?, adaptivity?, state?, ... }');
  for (const field of ['learningRate', 'weights', 'update'] as const) {
    if (field in options) {
      throw new ArgumentError(op, field, (options as Record<string, unknown>)[field], 'nothing: Bop has no learning rate and writes signs', 'set adaptivity (gamma) and threshold (tau); route real-valued parameters to adam with routeBy');
    }
  }
  const threshold = checkSchedule(op, 'threshold', options.threshold ?? 1e-8);
  const adaptivity = checkSchedule(op, 'adaptivity', options.adaptivity ?? 1e-4);
  if (typeof threshold === 'number' && threshold < 0) throw new ArgumentError(op, 'threshold', threshold, 'a number >= 0', 'tau is compared with |m|; Larq uses 1e-8');
  if (typeof adaptivity === 'number' && !(adaptivity >= 0 && adaptivity <= 1)) throw new ArgumentError(op, 'adaptivity', adaptivity, 'a number in [0, 1]', 'gamma is the weight of the new gradient in the moving average; Larq uses 1e-4');
  const common = resolveCommon(op, options, ['momentum']);
  const recorder = options.recorder;
  if (recorder !== undefined && (recorder === null || typeof recorder.record !== 'function')) {
    throw new ArgumentError(op, 'recorder', recorder, 'a recorder from momentumRecorder({ ... })');
  }
  const config = configOf(options, { threshold: describeSchedule(threshold), adaptivity: describeSchedule(adaptivity) });

  class Bop extends BaseOptimizer {
    constructor(parameters: ParameterInput) {
      super('bop', parameters, common);
      for (const context of this.contexts) this.addBuffer(context, 'momentum');
    }

    protected hyperparameters(step: number): Record<string, number> {
      const gamma = scheduleValue(adaptivity, step);
      const tau = scheduleValue(threshold, step);
      if (!(gamma >= 0 && gamma <= 1)) throw new ArgumentError(op, `adaptivity at step ${step}`, gamma, 'a number in [0, 1]', 'gamma is the weight of the new gradient in the moving average');
      if (!(tau >= 0)) throw new ArgumentError(op, `threshold at step ${step}`, tau, 'a number >= 0', 'a negative threshold would flip weights whose momentum points the other way');
      return { adaptivity: gamma, threshold: tau };
    }

    protected updateParameter(context: ParameterContext, gradient: Float32Array, step: number, hyper: Record<string, number>): ParameterStatistics {
      const { parameter, size: n } = context;
      const gamma = fround(hyper.adaptivity);
      const tau = fround(hyper.threshold);
      const buffer = context.buffers.get('momentum')!;
      const previous = buffer.peek();
      const w = parameter.value.data() as Float32Array;
      recorder?.record({ parameter: context.name, step, momentum: previous, gradient, weights: w, adaptivity: gamma, threshold: tau });
      const next = buffer.writable();
      for (let i = 0; i < n; i++) next[i] = previous[i] + fround(gamma * fround(gradient[i] - previous[i]));
      const written = buffer.write(next, previous);
      const m = written.stored;
      const format = parameter.format;
      const scale = format !== undefined && format.spec.kind === 'binary' ? (format.spec as { scale: number }).scale : 1;
      const out = new Float32Array(n);
      let flips = 0;
      for (let i = 0; i < n; i++) {
        const sign = w[i] < 0 ? -1 : 1; // sign(0) = +1, and -0 < 0 is false
        const flip = sign * m[i] > tau;
        if (flip) flips++;
        out[i] = (flip ? -sign : sign) * scale;
      }
      parameter.assign(tensor(out, context.shape, { backend: parameter.value.backend }));
      return {
        name: context.name,
        elements: n,
        skipped: false,
        state: [slotStatistics('momentum', buffer.storage.name, n, written.unchanged, written.unchangedByStorage)],
        flips,
        flipRatio: n === 0 ? 0 : flips / n,
      };
    }
  }

  return { kind: 'bop', config, create: (parameters) => new Bop(parameters) };
}
