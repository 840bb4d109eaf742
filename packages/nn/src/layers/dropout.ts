/**
 * Dropout (inverted, as PyTorch): in training mode each value is kept with probability 1 - p and
 * scaled by 1 / (1 - p), else zeroed; in evaluation mode values pass unchanged.
 *
 * The mask is drawn from @lowbit/tensor's counter-based generator keyed by the layer's seed, at a
 * counter that advances by the number of values every training call (the stream scheme of the
 * quantization points, docs/decisions/0006): value i of the n-th value dropped so far uses
 * counter n, so the masks are reproducible, distinct at every step, and independent of thread
 * count and backend. The position is extra state: it goes into the state dict, so a resumed run
 * draws the masks it would have drawn.
 */
import { deriveSeed, mul, type Variable } from '@lowbit/autograd';
import * as T from '@lowbit/tensor';
import { ArgumentError } from '@lowbit/tensor';
import { Module, type ModuleOptions } from '../module.js';
import { checkLayerSeed, nextSeed } from '../seed.js';

export interface DropoutOptions extends ModuleOptions {
  /** Probability of zeroing a value. Default 0.5. */
  p?: number;
  /** Key of the mask stream. Default: the next seed of the process-wide sequence (see manualSeed). */
  seed?: number;
}

export class Dropout extends Module {
  readonly p: number;
  readonly seed: number;
  /** Counter of the next value's random word. */
  position = 0;
  private readonly streamSeed: number;

  constructor(options: DropoutOptions = {}) {
    super(options);
    const p = options.p ?? 0.5;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ArgumentError('Dropout', 'p', p, 'a probability in [0, 1]');
    this.p = p;
    this.seed = options.seed === undefined ? nextSeed() : checkLayerSeed('Dropout', options.seed);
    this.streamSeed = deriveSeed(this.seed, 'dropout');
  }

  override get type(): string {
    return 'Dropout';
  }

  protected compute(x: Variable): Variable {
    if (!this.training || this.p === 0) return x;
    const offset = this.position;
    this.position += x.size;
    if (this.p === 1) return mul(x, 0);
    const uniform = T.randomUniform(x.shape, { seed: this.streamSeed, offset, backend: x.value.backend });
    // u >= p keeps a value: probability 1 - p (u has 24 random bits).
    const mask = T.mul(T.greaterEqual(uniform, this.p), 1 / (1 - this.p));
    return mul(x, mask);
  }

  override extraState(): { position: number } {
    return { position: this.position };
  }

  override loadExtraState(state: unknown): void {
    const position = (state as { position?: unknown } | null)?.position;
    if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) {
      throw new ArgumentError('Dropout', 'extra state position', position, 'a non-negative safe integer (what extraState() returned)');
    }
    this.position = position;
  }

  protected override describe(): string {
    return `p=${this.p}`;
  }
}
