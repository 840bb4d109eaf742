/**
 * Training memory of a model and optimizer, per layer and in total, measured from what is
 * actually stored, against an all-float32 run and a QAT run (papers.md section 3: RCT N b bits
 * per layer, QAT N (32 + b), FP32 N 32).
 *
 * Per parameter:
 * - **weights**: the stored values, `parameter.storageBits` (a format's bits, shared scales
 *   included; 32 for float32). A float32 parameter whose layer rounds it forward through a
 *   `weights` point (QAT via nn's roles) counts that quantized copy here and its float32 values
 *   as the master copy;
 * - **master**: a float32 value kept next to a low-precision weight (the optimizer's `master`
 *   buffer, or the QAT case above);
 * - **gradients**: one value per weight in the `weightGradients` format (else 32 bits);
 * - **optimizer state**: the optimizer's buffers (`stateMemory()`), master excluded.
 * Activations saved for backward are per module (layers.ts) times the batch size.
 *
 * Comparisons: **float32** stores everything in 32 bits (weights, gradients, state, activations);
 * **QAT** keeps a float32 master plus a b-bit copy of every weight the run stores in b < 32 bits,
 * float32 gradients and state, and the run's activations.
 */
import { ArgumentError } from '@lowbit/tensor';
import type { Module } from '@lowbit/nn';
import type { Optimizer, OptimizerDefinition } from '@lowbit/optim';
import { savedActivations, weightLayers } from './layers.js';
import { checkInputShape, traceModel, type ModelTrace } from './trace.js';

export interface MemoryOptions {
  batchSize: number;
  /** One sample's shape without the batch axis ([1, 28, 28]). */
  inputShape: readonly number[];
}

export interface MemoryParameterRow {
  parameter: string;
  layer: string;
  elements: number;
  storage: string;
  /** Bits per value as stored. */
  bitsPerValue: number;
  weightBits: number;
  masterBits: number;
  gradientBits: number;
  optimizerStateBits: number;
}

export interface MemoryTotals {
  /** Bytes (bits / 8, not rounded). */
  weights: number;
  master: number;
  gradients: number;
  optimizerState: number;
  activations: number;
  /** weights + master. */
  parameters: number;
  total: number;
}

export interface MemoryLayerRow extends MemoryTotals {
  layer: string;
  type: string;
}

export interface MemoryReport {
  batchSize: number;
  parameters: MemoryParameterRow[];
  layers: MemoryLayerRow[];
  totals: MemoryTotals;
  float32: MemoryTotals;
  qat: MemoryTotals;
  /** 1 - run / reference: the fraction saved (negative when the run needs more). */
  savings: { parametersVsFloat32: number; parametersVsQat: number; totalVsFloat32: number; totalVsQat: number };
}

const empty = (): MemoryTotals => ({ weights: 0, master: 0, gradients: 0, optimizerState: 0, activations: 0, parameters: 0, total: 0 });

function finish<T extends MemoryTotals>(totals: T): T {
  totals.parameters = totals.weights + totals.master;
  totals.total = totals.parameters + totals.gradients + totals.optimizerState + totals.activations;
  return totals;
}

export function resolveOptimizer(op: string, model: Module, optimizer: Optimizer | OptimizerDefinition | undefined): Optimizer | undefined {
  if (optimizer === undefined) return undefined;
  if (typeof (optimizer as OptimizerDefinition).create === 'function') return (optimizer as OptimizerDefinition).create(model.namedParameters());
  if (typeof (optimizer as Optimizer).stateMemory !== 'function') throw new ArgumentError(op, 'optimizer', optimizer, 'an optimizer or an optimizer definition of @lowbit/optim');
  return optimizer as Optimizer;
}

/** Memory of training `model` with `optimizer` (an optimizer, or a definition measured on a fresh binding) at a batch size. */
export function memoryReport(model: Module, optimizer: Optimizer | OptimizerDefinition | undefined, options: MemoryOptions): MemoryReport {
  const op = 'memoryReport';
  if (options === null || typeof options !== 'object') throw new ArgumentError(op, 'options', options, '{ batchSize, inputShape }');
  const batchSize = options.batchSize;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new ArgumentError(op, 'batchSize', batchSize, 'a positive integer');
  const trace = traceModel(model, checkInputShape(op, options.inputShape));
  return memoryFromTrace(model, trace, resolveOptimizer(op, model, optimizer), batchSize);
}

/** memoryReport on a trace made already (energyReport shares it). */
export function memoryFromTrace(model: Module, trace: ModelTrace, bound: Optimizer | undefined, batchSize: number): MemoryReport {
  const stateRows = bound?.stateMemory() ?? [];
  const layersByWeight = new Map(weightLayers(trace, model).map((layer) => [layer.weight, layer]));
  const parameters: MemoryParameterRow[] = [];
  const layerRows = new Map<string, MemoryLayerRow>();
  const totals = empty();
  const float32 = empty();
  const qat = empty();
  const layerRow = (layer: string) => {
    if (!layerRows.has(layer)) {
      const type = layer === '' ? model.type : model.module(layer).type;
      layerRows.set(layer, { layer, type, ...empty() });
    }
    return layerRows.get(layer)!;
  };
  for (const [name, parameter] of model.namedParameters()) {
    const cut = name.lastIndexOf('.');
    const layer = cut < 0 ? '' : name.slice(0, cut);
    const n = parameter.size;
    const info = layersByWeight.get(parameter);
    const rows = stateRows.filter((row) => row.parameter === name);
    const masterRow = rows.find((row) => row.slot === 'master');
    const stateBits = rows.filter((row) => row.slot !== 'master').reduce((sum, row) => sum + row.bytes * 8, 0);
    const stateElements = rows.filter((row) => row.slot !== 'master').reduce((sum, row) => sum + row.elements, 0);
    let weightBits = parameter.storageBits;
    let masterBits = masterRow === undefined ? 0 : masterRow.bytes * 8;
    let storage = parameter.format?.name ?? 'float32';
    if (parameter.format === undefined && info !== undefined && !info.weights.float32) {
      // QAT through nn's weights role: the float32 parameter is the master, the rounded copy the weights.
      masterBits = 32 * n;
      weightBits = info.weights.bits * n;
      storage = info.weights.format;
    }
    const gradientBits = (info?.weightGradients.bits ?? 32) * n;
    const row: MemoryParameterRow = { parameter: name, layer, elements: n, storage, bitsPerValue: weightBits / n, weightBits, masterBits, gradientBits, optimizerStateBits: stateBits };
    parameters.push(row);
    const target = layerRow(layer);
    for (const sum of [target, totals]) {
      sum.weights += weightBits / 8;
      sum.master += masterBits / 8;
      sum.gradients += gradientBits / 8;
      sum.optimizerState += stateBits / 8;
    }
    float32.weights += 4 * n;
    float32.gradients += 4 * n;
    float32.optimizerState += 4 * stateElements;
    const lowPrecision = weightBits / n < 32;
    qat.weights += lowPrecision ? weightBits / 8 : 4 * n;
    qat.master += lowPrecision ? 4 * n : 0;
    qat.gradients += 4 * n;
    qat.optimizerState += 4 * stateElements;
  }
  for (const saved of savedActivations(trace)) {
    const bytes = (saved.values * saved.bits * batchSize) / 8;
    const layer = saved.module === '(loss)' ? '(loss)' : saved.module;
    if (!layerRows.has(layer)) layerRows.set(layer, { layer, type: saved.type, ...empty() });
    layerRows.get(layer)!.activations += bytes;
    totals.activations += bytes;
    qat.activations += bytes;
    float32.activations += saved.values * 4 * batchSize;
  }
  const layers = [...layerRows.values()].map(finish);
  finish(totals);
  finish(float32);
  finish(qat);
  const saving = (run: number, reference: number) => (reference === 0 ? 0 : 1 - run / reference);
  return {
    batchSize,
    parameters,
    layers,
    totals,
    float32,
    qat,
    savings: {
      parametersVsFloat32: saving(totals.parameters, float32.parameters),
      parametersVsQat: saving(totals.parameters, qat.parameters),
      totalVsFloat32: saving(totals.total, float32.total),
      totalVsQat: saving(totals.total, qat.total),
    },
  };
}
