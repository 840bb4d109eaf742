/**
 * storeWeights: turns a built model's weights into stored low-precision parameters (no float32
 * master copy), for models whose builder does not expose nn's `weightStorage` (the models
 * package's architectures). Uses autograd's `Parameter.setFormat`: the current values are rounded
 * into the format, and every later optimizer write is rounded with `rounding`, stochastic
 * rounding drawing from a stream keyed by (seed, parameter name), so layers never share bits.
 * Call it before the optimizer is created (fit creates it, so before fit).
 */
import { deriveSeed } from '@lowbit/autograd';
import { ROUNDINGS, type ElementFormat, type Rounding, type TensorFormat } from '@lowbit/formats';
import { ArgumentError } from '@lowbit/tensor';
import type { Module } from '@lowbit/nn';

export interface StoreWeightsOptions {
  format: ElementFormat | TensorFormat;
  /** Rounding of the conversion and of every update. Default 'nearest-even'. */
  rounding?: Rounding;
  /** Which parameters: names or a predicate. Default: every Linear and Conv2d weight (biases stay float32). */
  layers?: readonly string[] | ((parameterName: string, module: Module) => boolean);
  /** Key of the stochastic streams. Default 0. */
  seed?: number;
}

/** Stores the selected parameters in `format`; returns their names. */
export function storeWeights(model: Module, options: StoreWeightsOptions): string[] {
  const op = 'storeWeights';
  if (options === null || typeof options !== 'object') throw new ArgumentError(op, 'options', options, '{ format, rounding?, layers?, seed? }');
  const { format } = options;
  if (format === null || typeof format !== 'object' || typeof format.quantize !== 'function') throw new ArgumentError(op, 'format', format, 'a format of @lowbit/formats');
  const rounding = options.rounding ?? 'nearest-even';
  if (!ROUNDINGS.includes(rounding)) throw new ArgumentError(op, 'rounding', rounding, ROUNDINGS.join(', '));
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new ArgumentError(op, 'seed', seed, 'a non-negative safe integer');
  const select = options.layers;
  const stored: string[] = [];
  for (const [name, parameter] of model.namedParameters()) {
    const cut = name.lastIndexOf('.');
    const module = model.module(cut < 0 ? '' : name.slice(0, cut));
    const chosen = select === undefined ? (module.type === 'Linear' || module.type === 'Conv2d') && name.slice(cut + 1) === 'weight' : typeof select === 'function' ? select(name, module) : select.includes(name);
    if (!chosen) continue;
    parameter.setFormat(format, { rounding, seed: deriveSeed(seed, `${name}/storage`) });
    stored.push(name);
  }
  if (stored.length === 0) throw new ArgumentError(op, 'layers', Array.isArray(select) ? select : 'default', `parameter names of the model: ${model.namedParameters().map(([name]) => name).join(', ')}`, 'no parameter was selected');
  return stored;
}
