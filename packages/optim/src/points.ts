/**
 * Rounding points of the optimizer (QPyTorch's OptimLP quantizers): the gradient before the update
 * rule sees it, the update before it is added to the weight, and the weight after the update when
 * the optimizer (not the Parameter) owns the weight format. Each point on each parameter has its
 * own stochastic-rounding stream, keyed by the optimizer seed and "<parameter>/<point>".
 */
import { RandomStream, deriveSeed } from '@lowbit/autograd';
import { ArgumentError } from '@lowbit/tensor';
import { ROUNDINGS, type ElementFormat, type Rounding, type TensorFormat } from '@lowbit/formats';
import { shown } from './errors.js';

export interface RoundingPointOption {
  /** Any format of @lowbit/formats; tensor formats (scaled, MX) get the parameter's shape. */
  format: ElementFormat | TensorFormat;
  /** Default 'nearest-even'. */
  rounding?: Rounding;
  /** Random bits per stochastic decision (1..32). Default 32. */
  randomBits?: number;
}

export interface ResolvedPoint {
  readonly format: ElementFormat | TensorFormat;
  readonly rounding: Rounding;
  readonly randomBits: number;
}

export function isFormat(value: unknown): value is ElementFormat | TensorFormat {
  const candidate = value as ElementFormat;
  return candidate !== null && typeof candidate === 'object' && typeof candidate.quantize === 'function' && typeof candidate.name === 'string';
}

export function resolvePoint(op: string, field: string, option: unknown): ResolvedPoint | undefined {
  if (option === undefined) return undefined;
  const record = option as Partial<RoundingPointOption>;
  const format = isFormat(option) ? option : record?.format;
  if (!isFormat(format)) {
    throw new ArgumentError(op, field, shown(option), 'a format, or { format, rounding?, randomBits? }', 'e.g. { format: parseFormat("float8_e5m2"), rounding: "stochastic" }');
  }
  const rounding = (isFormat(option) ? undefined : record.rounding) ?? 'nearest-even';
  if (!ROUNDINGS.includes(rounding)) throw new ArgumentError(op, `${field}.rounding`, rounding, ROUNDINGS.join(', '));
  const randomBits = (isFormat(option) ? undefined : record.randomBits) ?? 32;
  if (!Number.isInteger(randomBits) || randomBits < 1 || randomBits > 32) throw new ArgumentError(op, `${field}.randomBits`, randomBits, 'an integer 1..32');
  return { format, rounding, randomBits };
}

/** One rounding point on one parameter: a format, a rounding and a stream. */
export class RoundingPoint {
  private readonly stream: RandomStream;

  constructor(
    readonly key: string,
    readonly point: ResolvedPoint,
    seed: number,
  ) {
    this.stream = new RandomStream(deriveSeed(seed, key));
  }

  /** Rounds `values` (of a tensor of `shape`) in place and returns them. */
  apply(values: Float32Array, shape: readonly number[]): Float32Array {
    const { format, rounding, randomBits } = this.point;
    const offset = this.stream.take(values.length);
    const options = { rounding, randomBits, seed: this.stream.seed, offset, out: values };
    if ('element' in format) format.quantize(values, { ...options, shape });
    else format.quantize(values, options);
    return values;
  }

  get streamPosition(): number {
    return this.stream.position;
  }
  set streamPosition(position: number) {
    this.stream.position = position;
  }
}
