/**
 * One direction of a quantization point (forward values or backward gradients): a format, a
 * rounding mode, a scaling policy, its state (the dynamic offset and running max), and two
 * stochastic-rounding streams, one for training steps and one for evaluation, so evaluating never
 * shifts the random bits training will use.
 */
import { mul, quantize, type Tensor } from '@lowbit/tensor';
import { blockFormat, scaledFormat, type ElementFormat, type TensorFormat } from '@lowbit/formats';
import { RandomStream, deriveSeed } from '../random-stream.js';
import { MAX_OFFSET, isTensorFormat, type ResolvedSide } from './options.js';
import { floorLog2, measure, type Bounds, type SideStatistics } from './statistics.js';

export interface SideState {
  /** Training steps applied (the dynamic policy recomputes at multiples of `every`). */
  steps: number;
  /** Stream positions: the number of values rounded so far in training and in evaluation. */
  position: number;
  evaluationPosition: number;
  /** Current exponent offset (offset policies); undefined before the first dynamic computation. */
  offset: number | undefined;
  /** Running max |x| since the last recomputation (dynamic offset). */
  runningMax: number;
}

export interface ApplyOptions {
  /** Training step (advance state and the training stream) or evaluation (read-only). */
  training: boolean;
  /** Measure statistics: false, or whether to include the histogram. */
  statistics: false | { histogram: boolean };
}

export class QuantizationSide {
  readonly stream: RandomStream;
  readonly evaluationStream: RandomStream;
  steps = 0;
  offset: number | undefined;
  runningMax = 0;
  /** The format actually applied when values are rounded through shared scales. */
  private readonly tensorFormat: TensorFormat | undefined;
  /** The format whose range a single value sees. */
  private readonly element: ElementFormat;
  private maxCodes: { codes: Uint8Array | Uint16Array | Uint32Array } | undefined;

  constructor(
    readonly options: ResolvedSide,
    seed: number,
    label: string,
  ) {
    this.stream = new RandomStream(deriveSeed(seed, label));
    this.evaluationStream = new RandomStream(deriveSeed(seed, `${label}/evaluation`));
    const { format, scaling } = options;
    if (isTensorFormat(format)) {
      this.tensorFormat = format;
      this.element = format.element;
    } else {
      this.element = format;
      this.tensorFormat =
        scaling.kind === 'tensor'
          ? scaledFormat({ element: format, granularity: 'tensor', scale: scaling.rule, margin: scaling.margin })
          : scaling.kind === 'channel'
            ? scaledFormat({ element: format, granularity: 'channel', axis: scaling.axis, scale: scaling.rule, margin: scaling.margin })
            : scaling.kind === 'block'
              ? blockFormat({ element: format, blockSize: scaling.blockSize, axis: scaling.axis, scale: scaling.rule, margin: scaling.margin })
              : undefined;
    }
    if (scaling.kind === 'static-offset') this.offset = scaling.offset;
  }

  /** floor(log2 max) of the element format: the emax of the dynamic-offset formula. */
  get maxExponent(): number {
    return floorLog2(this.element.range.max);
  }

  apply(x: Tensor, options: ApplyOptions): { value: Tensor; statistics?: SideStatistics } {
    const { rounding, randomBits, scaling } = this.options;
    const measuring = options.statistics;
    const values = measuring !== false || scaling.kind === 'dynamic-offset' ? (x.data() as Float32Array) : undefined;
    const stream = options.training ? this.stream : this.evaluationStream;
    // Every value rounded takes the next counter of the stream, whatever the rounding mode, so
    // counter n is always the n-th value this side has rounded (docs/decisions/0006).
    const quantizeOptions = { rounding, seed: stream.seed, offset: stream.take(x.size), randomBits };
    let value: Tensor;
    let offset: number | undefined;
    if (this.tensorFormat !== undefined) {
      value = quantize(x, this.tensorFormat, quantizeOptions);
    } else {
      if (scaling.kind === 'dynamic-offset' && options.training) this.observe(maxAbsFinite(values as Float32Array));
      offset = scaling.kind === 'none' ? undefined : (this.offset ?? 0);
      value =
        offset === undefined || offset === 0
          ? quantize(x, this.element, quantizeOptions)
          : mul(quantize(mul(x, 2 ** offset), this.element, quantizeOptions), 2 ** -offset);
    }
    if (options.training) this.steps++;
    if (measuring === false) return { value };
    const statistics = measure(values as Float32Array, value.data() as Float32Array, this.bounds(values as Float32Array, x.shape, offset ?? 0), measuring.histogram);
    if (offset !== undefined) statistics.offset = offset;
    return { value, statistics };
  }

  /**
   * Dynamic offset: adds this step's max |x| to the running max and, at steps 0, every, 2 every,
   * ..., sets offset = emax - floor(log2 runningMax) - margin and restarts the running max. A
   * window without a finite non-zero value keeps the previous offset.
   */
  private observe(maxAbs: number): void {
    const scaling = this.options.scaling;
    if (scaling.kind !== 'dynamic-offset') return;
    this.runningMax = Math.max(this.runningMax, maxAbs);
    if (this.steps % scaling.every !== 0) return;
    if (this.runningMax > 0) {
      const offset = this.maxExponent - floorLog2(this.runningMax) - scaling.margin;
      this.offset = Math.max(-MAX_OFFSET, Math.min(MAX_OFFSET, offset));
    }
    this.runningMax = 0;
  }

  private bounds(values: Float32Array, shape: readonly number[], offset: number): Bounds {
    const { min, max } = this.element.range;
    const lowRatio = min / max;
    if (this.tensorFormat === undefined) return { high: max * 2 ** -offset, lowRatio, elementMax: max };
    // The largest value of each value's group: decode "max" codes with the scales the format
    // chooses for these values (the scale depends only on the group's max |x|, not on rounding).
    const encoding = this.tensorFormat.encode(values, { shape });
    if (this.maxCodes?.codes.length !== values.length) {
      const code = this.element.encode(Float32Array.of(max))[0];
      const codes = encoding.codes.constructor as new (length: number) => Uint8Array | Uint16Array | Uint32Array;
      this.maxCodes = { codes: new codes(values.length).fill(code) };
    }
    const highs = this.tensorFormat.decode({ codes: this.maxCodes.codes, scales: encoding.scales, shape: encoding.shape });
    return { high: Float64Array.from(highs), lowRatio, elementMax: max };
  }

  state(): SideState {
    return { steps: this.steps, position: this.stream.position, evaluationPosition: this.evaluationStream.position, offset: this.offset, runningMax: this.runningMax };
  }

  loadState(state: SideState): void {
    this.steps = state.steps;
    this.stream.position = state.position;
    this.evaluationStream.position = state.evaluationPosition;
    this.offset = state.offset;
    this.runningMax = state.runningMax;
  }
}

function maxAbsFinite(values: Float32Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const magnitude = Math.abs(values[i]);
    if (magnitude > max && magnitude !== Infinity) max = magnitude;
  }
  return max;
}
