/**
 * A Larq-style summary of a model (larq.models.summary): per layer its output shape, the bits of
 * its input quantization, its stored values by bit width, their memory, and its multiply-
 * accumulates by precision; and totals. The counting rules are Larq's (docs/decisions/0014):
 * - a weight counts at the bits of the format the forward pass sees: the `weights` role's format
 *   (binary weights are 1 bit), else the format it is stored in, else 32; biases and batch-norm
 *   values at their storage format or 32. Memory is values times bits (a tensor format counts its
 *   shared scales: MXFP8 is 8.25 bits per value).
 * - float buffers (batch-norm running mean and variance) are non-trainable 32-bit values, as Keras
 *   counts moving statistics; integer counters are not model values. With `batchNorm: 'folded'` a
 *   batch norm counts as the two values per channel inference needs (newer Larq versions).
 * - MACs of Conv2d and Linear only (batch norms, pools, additions are not counted), per sample:
 *   weight values times output positions. The precision of a MAC is the larger of its operands'
 *   bits: the layer's `inputs` role format (32 without one) and the weight's bits.
 */
import { QuantizationPoint } from '@lowbit/autograd';
import { parseFormat, type NumberFormat } from '@lowbit/formats';
import { BatchNorm1d, BatchNorm2d, Conv2d, Linear, WeightLayer, type Module, type RoleSpec } from '@lowbit/nn';
import { ArgumentError } from '@lowbit/tensor';
import { inferShapes } from './shapes.js';

export interface SummaryOptions {
  /** 'stored' (default): batch norms count their parameters and running statistics; 'folded': two values per channel. */
  batchNorm?: 'stored' | 'folded';
}

/** Counts by bit width: `{ 1: 93088, 32: 702 }`. */
export type ByBits = Record<number, number>;

export interface LayerSummary {
  /** Dotted name in the model ('' for a model that is one layer). */
  name: string;
  type: string;
  /** Output shape of one sample (no batch axis); undefined if the layer sits inside a module the rules do not know. */
  outputShape: number[] | undefined;
  /** Bits of the layer's `inputs` quantization (1 for binary inputs); undefined: not quantized. */
  inputBits: number | undefined;
  /** Stored values (trainable parameters and non-trainable buffers) by bit width. */
  parameters: ByBits;
  trainable: number;
  nonTrainable: number;
  memoryBits: number;
  /** Multiply-accumulates per sample by precision; undefined for a layer with weights whose computation is unknown. */
  macs: ByBits | undefined;
}

export interface SummaryTotals {
  /** Every stored value: trainable parameters and non-trainable buffers. */
  parameters: number;
  trainable: number;
  nonTrainable: number;
  parametersByBits: ByBits;
  memoryBits: number;
  /** Memory if every value were float32. */
  float32MemoryBits: number;
  /** float32MemoryBits / memoryBits (Larq's "compression of memory"). */
  compressionRatio: number;
  macs: number;
  macsByBits: ByBits;
  /** Share of the MACs that are 1-bit (XNOR and popcount). */
  binaryMacFraction: number;
}

export interface ModelSummary {
  /** One sample's shape, as given. */
  inputShape: number[];
  outputShape: number[];
  batchNorm: 'stored' | 'folded';
  layers: LayerSummary[];
  totals: SummaryTotals;
}

/** The format a role rounds into on the way forward (undefined: none). */
export function roleFormat(spec: RoleSpec): NumberFormat | undefined {
  if (spec === undefined || spec === null || spec === 'float32') return undefined;
  if (spec instanceof QuantizationPoint) return spec.forward?.options.format;
  if (typeof spec === 'string') return parseFormat(spec);
  if ('quantize' in spec) return spec;
  return typeof spec.format === 'string' ? parseFormat(spec.format) : spec.format;
}

/** Storage bits per value: a tensor format's average (shared scales included), else its code bits. */
function storageBits(format: NumberFormat): number {
  return 'bitsPerValue' in format ? format.bitsPerValue : format.bits;
}

function add(counts: ByBits, bits: number, count: number): void {
  if (count > 0) counts[bits] = (counts[bits] ?? 0) + count;
}

/** The bits a layer's weight counts at: its `weights` role's format, else its storage format, else 32. */
function weightFormat(module: WeightLayer): NumberFormat | undefined {
  return roleFormat(module.quantization?.weights) ?? module.weight.format;
}

/** A module's own values: parameters by bits (trainable) and float buffers (32-bit, non-trainable). */
function ownValues(module: Module, folded: boolean): { parameters: ByBits; trainable: number; nonTrainable: number; memoryBits: number } {
  const parameters: ByBits = {};
  let trainable = 0;
  let nonTrainable = 0;
  let memoryBits = 0;
  if (folded && (module instanceof BatchNorm1d || module instanceof BatchNorm2d) && module.trackRunningStats) {
    const values = 2 * module.numFeatures;
    return { parameters: { 32: values }, trainable: 0, nonTrainable: values, memoryBits: 32 * values };
  }
  for (const [, parameter] of module.ownParameters()) {
    const format = module instanceof WeightLayer && parameter === module.weight ? weightFormat(module) : parameter.format;
    const bits = format === undefined ? 32 : storageBits(format);
    add(parameters, bits, parameter.size);
    trainable += parameter.size;
    memoryBits += bits * parameter.size;
  }
  for (const name of module.ownBufferNames()) {
    const buffer = module.buffer(name);
    if (buffer.dtype !== 'float32') continue;
    add(parameters, 32, buffer.size);
    nonTrainable += buffer.size;
    memoryBits += 32 * buffer.size;
  }
  return { parameters, trainable, nonTrainable, memoryBits };
}

/** MACs per sample by precision of a Conv2d or Linear with a known output shape (batch axis included). */
function macsOf(module: Module, outputShape: number[] | undefined, inputBits: number | undefined): ByBits | undefined {
  if (!(module instanceof WeightLayer)) return {};
  if (outputShape === undefined) return undefined;
  const format = weightFormat(module);
  const bits = Math.max(inputBits ?? 32, format === undefined ? 32 : format.bits);
  // Per output position, every weight value takes part in one MAC (groups included).
  let positions: number;
  if (module instanceof Conv2d) positions = outputShape[2] * outputShape[3];
  else if (module instanceof Linear) positions = outputShape.slice(1, -1).reduce((a, b) => a * b, 1);
  else return undefined;
  return { [bits]: module.weight.size * positions };
}

/** Trainable parameters of a model: total and by the bits they count at (binary weights: 1). */
export function countParameters(model: Module): { total: number; byBits: ByBits } {
  const byBits: ByBits = {};
  let total = 0;
  for (const [, module] of model.namedModules()) {
    for (const [, parameter] of module.ownParameters()) {
      const format = module instanceof WeightLayer && parameter === module.weight ? weightFormat(module) : parameter.format;
      add(byBits, format === undefined ? 32 : storageBits(format), parameter.size);
      total += parameter.size;
    }
  }
  return { total, byBits };
}

function checkInputShape(inputShape: unknown): number[] {
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((d) => Number.isSafeInteger(d) && d > 0)) {
    throw new ArgumentError('summary', 'inputShape', inputShape, 'the shape of one sample without the batch axis, positive integers', 'for MNIST images [1, 28, 28], for CIFAR-10 [3, 32, 32], for flat features [784]');
  }
  return [...inputShape];
}

/** The summary of `model` for samples of `inputShape` (no batch axis: [1, 28, 28] for MNIST). */
export function summary(model: Module, inputShape: readonly number[], options: SummaryOptions = {}): ModelSummary {
  const sample = checkInputShape(inputShape);
  const batchNorm = options.batchNorm ?? 'stored';
  if (batchNorm !== 'stored' && batchNorm !== 'folded') throw new ArgumentError('summary', 'batchNorm', batchNorm, "'stored' (parameters and running statistics) or 'folded' (two values per channel, as inference needs)");
  const shapes = inferShapes(model, [1, ...sample]);
  const modules = model.namedModules().filter(([, module]) => module.children().length === 0 || module.ownParameters().length > 0 || module.ownBufferNames().length > 0);
  const layers = modules.map(([name, module]): LayerSummary => {
    const shape = shapes.get(module);
    const inputFormat = roleFormat(module.quantization?.inputs);
    const inputBits = inputFormat === undefined ? undefined : inputFormat.bits;
    return { name, type: module.type, outputShape: shape?.slice(1), inputBits, ...ownValues(module, batchNorm === 'folded'), macs: macsOf(module, shape, inputBits) };
  });
  const totals: SummaryTotals = { parameters: 0, trainable: 0, nonTrainable: 0, parametersByBits: {}, memoryBits: 0, float32MemoryBits: 0, compressionRatio: 1, macs: 0, macsByBits: {}, binaryMacFraction: 0 };
  for (const layer of layers) {
    totals.trainable += layer.trainable;
    totals.nonTrainable += layer.nonTrainable;
    totals.memoryBits += layer.memoryBits;
    for (const [bits, count] of Object.entries(layer.parameters)) add(totals.parametersByBits, Number(bits), count);
    for (const [bits, count] of Object.entries(layer.macs ?? {})) add(totals.macsByBits, Number(bits), count);
  }
  totals.parameters = totals.trainable + totals.nonTrainable;
  totals.float32MemoryBits = 32 * totals.parameters;
  totals.compressionRatio = totals.memoryBits === 0 ? 1 : totals.float32MemoryBits / totals.memoryBits;
  totals.macs = Object.values(totals.macsByBits).reduce((a, b) => a + b, 0);
  totals.binaryMacFraction = totals.macs === 0 ? 0 : (totals.macsByBits[1] ?? 0) / totals.macs;
  return { inputShape: sample, outputShape: shapes.get(model)!.slice(1), batchNorm, layers, totals };
}
