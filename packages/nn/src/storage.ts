/**
 * Weight storage: the format a parameter is *stored* in (no float32 master copy), as opposed to
 * the `weights` quantization role, which rounds a float32 master copy on the way forward (QAT).
 * A stored parameter is rounded into its format when made and at every `assign` (what optimizers
 * call), so an update smaller than half the format's spacing is lost, exactly as in RCT and
 * Ortiz et al.; stochastic rounding draws from the parameter's own counter stream.
 */
import { ArgumentError } from '@lowbit/tensor';
import { ROUNDINGS, parseFormat, type NumberFormat, type Rounding } from '@lowbit/formats';
import { deriveSeed, type ParameterOptions } from '@lowbit/autograd';

export interface ParameterStorage {
  /** The storage format, or its name; 'float32' means an ordinary float32 parameter. */
  format: NumberFormat | string;
  /** Rounding of every write. Default 'nearest-even'; 'stochastic' keeps small updates in expectation. */
  rounding?: Rounding;
  /** Bits per stochastic rounding decision (1..32). Default 32. */
  randomBits?: number;
  /** Key of the stochastic stream. Default: derived from the layer's seed and the parameter's name. */
  seed?: number;
}

/** Parameter options for a storage spec (undefined: float32). `layerSeed` and `name` key the default stream. */
export function storageOptions(op: string, field: string, storage: ParameterStorage | undefined, layerSeed: number, name: string): ParameterOptions {
  const options: ParameterOptions = { name };
  if (storage === undefined) return options;
  if (storage === null || typeof storage !== 'object') throw new ArgumentError(op, field, storage, '{ format, rounding?, randomBits?, seed? }');
  let format = storage.format;
  if (typeof format === 'string') {
    if (format === 'float32') return options;
    try {
      format = parseFormat(format);
    } catch (error) {
      throw new ArgumentError(op, `${field}.format`, storage.format, 'a format name of @lowbit/formats', (error as Error).message);
    }
  }
  if (format === null || typeof format !== 'object' || typeof format.quantize !== 'function') {
    throw new ArgumentError(op, `${field}.format`, format, 'a format from @lowbit/formats or its name');
  }
  const rounding = storage.rounding ?? 'nearest-even';
  if (!ROUNDINGS.includes(rounding)) throw new ArgumentError(op, `${field}.rounding`, rounding, ROUNDINGS.join(', '));
  options.format = format;
  options.rounding = rounding;
  if (storage.randomBits !== undefined) options.randomBits = storage.randomBits;
  options.seed = storage.seed ?? deriveSeed(layerSeed, `${name}/storage`);
  return options;
}
