/**
 * Training energy of a model: the GEMM energy of the three matrix products of every Linear and
 * Conv2d layer per step, priced per MAC by operand widths (energy-table.ts), and the energy of
 * moving parameters between DRAM and the chip, against an all-float32 run and a QAT run. These
 * are the two savings RCT reports (papers.md section 3: >86 % GEMM energy, about half the
 * parameter-movement energy of QAT).
 *
 * GEMM operands: forward W x A, backward-data W x E, backward-weight A x E, with the run's
 * representations (layers.ts). **float32**: every operand float32. **QAT**: the forward GEMM at
 * the run's W and A widths, both backward GEMMs in float32 (QAT's backward pass works on float32
 * errors and the float32 master). Integer MACs accumulate at `table.accumulatorBits`.
 *
 * Parameter movement per step: every stored copy of a parameter is read once and written once
 * (the low-precision weights, the float32 master of QAT), and every weight gradient is written
 * once and read once (in its `weightGradients` width). Optimizer state traffic (read + write per
 * step) is reported separately, since RCT's claim concerns parameters.
 */
import { ArgumentError } from '@lowbit/tensor';
import type { Module } from '@lowbit/nn';
import type { Optimizer, OptimizerDefinition } from '@lowbit/optim';
import { energyTable, macEnergy, movementEnergy, type EnergyTable } from './energy-table.js';
import { weightLayers } from './layers.js';
import { memoryFromTrace, resolveOptimizer } from './memory.js';
import { FLOAT32, checkInputShape, traceModel, type Representation } from './trace.js';

export interface EnergyOptions {
  batchSize: number;
  /** One sample's shape without the batch axis. */
  inputShape: readonly number[];
  /** Steps of the run the totals are for. Default 1 (per-step figures). */
  steps?: number;
  /** The optimizer (or its definition), for optimizer-state traffic. */
  optimizer?: Optimizer | OptimizerDefinition;
  /** Another energy table, or entries replacing the default's. */
  table?: Partial<EnergyTable>;
  /** Weight widths by parameter name replacing the stored ones (e.g. RCT's time-averaged `meanBits`). */
  weightBits?: Readonly<Record<string, number>>;
}

export interface GemmEnergy {
  forward: number;
  backwardData: number;
  backwardWeight: number;
  total: number;
}

export interface EnergyLayerRow {
  layer: string;
  type: string;
  parameter: string;
  /** MACs per step (batch size included). */
  macs: { forward: number; backwardData: number; backwardWeight: number };
  operands: { weights: Representation; activations: Representation; errors: Representation };
  /** Picojoules per step. */
  gemm: GemmEnergy;
  float32: GemmEnergy;
  qat: GemmEnergy;
}

export interface EnergyFigures {
  /** Picojoules per step. */
  gemmPerStep: number;
  parameterMovementPerStep: number;
  optimizerStateMovementPerStep: number;
  /** Joules over `steps`. */
  gemmJoules: number;
  parameterMovementJoules: number;
  optimizerStateMovementJoules: number;
}

export interface EnergyReport {
  table: EnergyTable;
  batchSize: number;
  steps: number;
  layers: EnergyLayerRow[];
  run: EnergyFigures;
  float32: EnergyFigures;
  qat: EnergyFigures;
  /** 1 - run / reference. */
  savings: { gemmVsFloat32: number; gemmVsQat: number; parameterMovementVsFloat32: number; parameterMovementVsQat: number };
}

function gemm(table: EnergyTable, macs: EnergyLayerRow['macs'], w: Representation, a: Representation, e: Representation): GemmEnergy {
  const forward = macs.forward * macEnergy(table, w, a);
  const backwardData = macs.backwardData * macEnergy(table, w, e);
  const backwardWeight = macs.backwardWeight * macEnergy(table, a, e);
  return { forward, backwardData, backwardWeight, total: forward + backwardData + backwardWeight };
}

/** QAT: the forward GEMM at the run's W and A widths, both backward GEMMs in float32. */
function qatGemm(table: EnergyTable, macs: EnergyLayerRow['macs'], w: Representation, a: Representation): GemmEnergy {
  const forward = macs.forward * macEnergy(table, w, a);
  const float32 = macEnergy(table, FLOAT32, FLOAT32);
  const backwardData = macs.backwardData * float32;
  const backwardWeight = macs.backwardWeight * float32;
  return { forward, backwardData, backwardWeight, total: forward + backwardData + backwardWeight };
}

function figures(steps: number, gemmPerStep: number, parameterMovementPerStep: number, optimizerStateMovementPerStep: number): EnergyFigures {
  const joules = (picojoules: number) => picojoules * steps * 1e-12;
  return { gemmPerStep, parameterMovementPerStep, optimizerStateMovementPerStep, gemmJoules: joules(gemmPerStep), parameterMovementJoules: joules(parameterMovementPerStep), optimizerStateMovementJoules: joules(optimizerStateMovementPerStep) };
}

export function energyReport(model: Module, options: EnergyOptions): EnergyReport {
  const op = 'energyReport';
  if (options === null || typeof options !== 'object') throw new ArgumentError(op, 'options', options, '{ batchSize, inputShape, steps?, optimizer?, table?, weightBits? }');
  const { batchSize } = options;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new ArgumentError(op, 'batchSize', batchSize, 'a positive integer');
  const steps = options.steps ?? 1;
  if (typeof steps !== 'number' || !(steps >= 0) || !Number.isFinite(steps)) throw new ArgumentError(op, 'steps', steps, 'a finite number >= 0');
  const table = energyTable(options.table ?? {});
  const overrides = options.weightBits ?? {};
  const names = new Set(model.namedParameters().map(([name]) => name));
  for (const [name, bits] of Object.entries(overrides)) {
    if (!names.has(name)) throw new ArgumentError(op, 'weightBits', name, `parameter names of the model: ${[...names].join(', ')}`);
    if (typeof bits !== 'number' || !(bits > 0 && bits <= 32)) throw new ArgumentError(op, `weightBits.${name}`, bits, 'a width in (0, 32]');
  }
  const trace = traceModel(model, checkInputShape(op, options.inputShape));
  const layers: EnergyLayerRow[] = weightLayers(trace, model).map((info) => {
    const macs = { forward: info.macs.forward * batchSize, backwardData: info.macs.backwardData * batchSize, backwardWeight: info.macs.backwardWeight * batchSize };
    const override = overrides[info.parameter];
    const weights = override === undefined ? info.weights : { format: `${info.weights.format} (${override} bits)`, bits: override, float32: false };
    return {
      layer: info.layer,
      type: info.type,
      parameter: info.parameter,
      macs,
      operands: { weights, activations: info.activations, errors: info.errors },
      gemm: gemm(table, macs, weights, info.activations, info.errors),
      float32: gemm(table, macs, FLOAT32, FLOAT32, FLOAT32),
      qat: qatGemm(table, macs, weights, info.activations),
    };
  });
  const memory = memoryFromTrace(model, trace, resolveOptimizer(op, model, options.optimizer), batchSize);
  let run = 0;
  let float32 = 0;
  let qat = 0;
  let state = 0;
  for (const row of memory.parameters) {
    const n = row.elements;
    const weightBits = overrides[row.parameter] === undefined ? row.weightBits : overrides[row.parameter] * n;
    const lowPrecision = weightBits / n < 32;
    run += 2 * (weightBits + row.masterBits + row.gradientBits);
    float32 += 2 * (32 * n + 32 * n);
    qat += 2 * ((lowPrecision ? weightBits + 32 * n : 32 * n) + 32 * n);
    state += 2 * row.optimizerStateBits;
  }
  const sum = (key: 'gemm' | 'float32' | 'qat') => layers.reduce((total, row) => total + row[key].total, 0);
  const stateFloat32 = memory.float32.optimizerState * 8 * 2;
  const result = {
    run: figures(steps, sum('gemm'), movementEnergy(table, run), movementEnergy(table, state)),
    float32: figures(steps, sum('float32'), movementEnergy(table, float32), movementEnergy(table, stateFloat32)),
    qat: figures(steps, sum('qat'), movementEnergy(table, qat), movementEnergy(table, stateFloat32)),
  };
  const saving = (value: number, reference: number) => (reference === 0 ? 0 : 1 - value / reference);
  return {
    table,
    batchSize,
    steps,
    layers,
    ...result,
    savings: {
      gemmVsFloat32: saving(result.run.gemmPerStep, result.float32.gemmPerStep),
      gemmVsQat: saving(result.run.gemmPerStep, result.qat.gemmPerStep),
      parameterMovementVsFloat32: saving(result.run.parameterMovementPerStep, result.float32.parameterMovementPerStep),
      parameterMovementVsQat: saving(result.run.parameterMovementPerStep, result.qat.parameterMovementPerStep),
    },
  };
}
