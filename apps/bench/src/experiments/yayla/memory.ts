/**
 * Training memory of a Bop run, in the two accountings the experiment reports:
 * - @lowbit/training's memoryReport (run.memoryBytes): weights as stored (1 bit per binary
 *   weight), optimizer state from the buffers (the momentum packed at its bits), batch-norm
 *   parameters, saved activations at the batch size, and one 32-bit gradient per weight;
 * - papers.md's model for Yayla & Chen: the same without the weight gradients, since Bop folds
 *   each layer's gradient into its momentum as it arrives (m <- m + gamma (g - m)) and never
 *   keeps a gradient buffer;
 * - weights and optimizer state alone (1 bit + momentum bits per binary weight, batch norm and
 *   Adam state): what the momentum encoding changes, without the batch-size-dependent activations.
 * The ratio is always against the same model trained with float32 momentum.
 */
import type { Module } from '@lowbit/nn';
import type { OptimizerDefinition, StateMemoryRow } from '@lowbit/optim';
import type { MemoryTotals } from '@lowbit/training';

export interface MomentumMemory {
  /** memoryReport totals (bytes). */
  totals: MemoryTotals;
  /** Bop's momentum buffers, as stored. */
  momentumBytes: number;
  momentumBitsPerWeight: number;
  /** Every other optimizer buffer (Adam's moments of the batch-norm parameters). */
  otherStateBytes: number;
  /** totals.total - totals.gradients: papers.md's memory model. */
  paperModelBytes: number;
  /** totals.weights + totals.master + totals.optimizerState. */
  weightsAndStateBytes: number;
  /** float32-momentum run / this run (1 for the float32 run itself); null before the comparison. */
  ratioVsFloat32Momentum: number | null;
  paperModelRatioVsFloat32Momentum: number | null;
  weightsAndStateRatioVsFloat32Momentum: number | null;
}

/** The state rows of a fresh binding of the definition on the model (what memoryReport measures too). */
export function stateRows(model: Module, optimizer: OptimizerDefinition): StateMemoryRow[] {
  return optimizer.create(model.namedParameters()).stateMemory();
}

export function momentumMemory(totals: MemoryTotals, rows: readonly StateMemoryRow[]): MomentumMemory {
  const momentum = rows.filter((row) => row.slot === 'momentum');
  const momentumBytes = momentum.reduce((sum, row) => sum + row.bytes, 0);
  const elements = momentum.reduce((sum, row) => sum + row.elements, 0);
  const otherStateBytes = rows.filter((row) => row.slot !== 'momentum' && row.slot !== 'master').reduce((sum, row) => sum + row.bytes, 0);
  return {
    totals,
    momentumBytes,
    momentumBitsPerWeight: elements === 0 ? 0 : (8 * momentumBytes) / elements,
    otherStateBytes,
    paperModelBytes: totals.total - totals.gradients,
    weightsAndStateBytes: totals.weights + totals.master + totals.optimizerState,
    ratioVsFloat32Momentum: null,
    paperModelRatioVsFloat32Momentum: null,
    weightsAndStateRatioVsFloat32Momentum: null,
  };
}

/** Fills in the ratios against the float32-momentum run of the same model. */
export function withRatios(memory: MomentumMemory, float32: MomentumMemory): MomentumMemory {
  return {
    ...memory,
    ratioVsFloat32Momentum: float32.totals.total / memory.totals.total,
    paperModelRatioVsFloat32Momentum: float32.paperModelBytes / memory.paperModelBytes,
    weightsAndStateRatioVsFloat32Momentum: float32.weightsAndStateBytes / memory.weightsAndStateBytes,
  };
}
