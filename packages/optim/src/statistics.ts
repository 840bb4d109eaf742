/**
 * Per-step statistics of an optimizer (`optimizer.statistics()`): what each state buffer lost to
 * its storage format (Yayla & Chen's unchanged-momentum metric), Bop's flips, the weight updates
 * lost to rounding into a weight format without a master copy (Ortiz et al., RCT), and Gavg, the
 * mean update in units of the weight format's step (RCT's controller signal).
 */

export interface StateSlotStatistics {
  /** 'momentum', 'firstMoment', 'secondMoment', 'master'. */
  slot: string;
  /** 'float32' or the storage format's name. */
  storage: string;
  elements: number;
  /**
   * U = #{i : stored(m_i + update_i) == m_i}: values whose stored value did not change, computed by
   * actually rounding (with float32 storage: exact float32 equality of the new and old value).
   */
  unchanged: number;
  /** The part of U that float32 arithmetic alone would have changed: lost only to the storage format. */
  unchangedByStorage: number;
  unchangedFraction: number;
}

export interface ParameterStatistics {
  name: string;
  elements: number;
  /** True when the parameter had no gradient this step (it was left alone, as PyTorch does). */
  skipped: boolean;
  /** One record per state buffer written this step. */
  state: StateSlotStatistics[];
  /** Bop: weights flipped this step, and their fraction of the parameter. */
  flips?: number;
  flipRatio?: number;
  /** SGD/Adam: values whose update (after the update point) was non-zero. */
  updatesNonZero?: number;
  /**
   * SGD/Adam without a master copy: values with a non-zero update whose stored weight did not
   * change (the update was rounded away by the weight format; float32 swamping included).
   */
  updatesLost?: number;
  /** updatesLost / updatesNonZero (0 when no update was non-zero). */
  updatesLostFraction?: number;
  /** SGD/Adam: mean over the values of |update_i| / step_i (see step-size.ts for the step). */
  gavg?: number;
}

export interface StatisticsTotals {
  elements: number;
  /** Bop parameters: total flips and their fraction of the Bop-trained elements. */
  flips: number;
  flipRatio: number;
  stateElements: number;
  unchanged: number;
  unchangedByStorage: number;
  unchangedFraction: number;
  updatesNonZero: number;
  updatesLost: number;
  updatesLostFraction: number;
}

export interface OptimizerStatistics {
  /** 'sgd', 'adam', 'adamw', 'bop' or 'route'. */
  optimizer: string;
  /** Index of the step these numbers describe (0 for the first). */
  step: number;
  /** Hyperparameters as used at this step (schedules evaluated). */
  hyperparameters: Record<string, number>;
  parameters: ParameterStatistics[];
  totals: StatisticsTotals;
  /** routeBy: each route's own statistics. */
  routes?: Record<string, OptimizerStatistics>;
}

export function slotStatistics(slot: string, storage: string, elements: number, unchanged: number, unchangedByStorage: number): StateSlotStatistics {
  return { slot, storage, elements, unchanged, unchangedByStorage, unchangedFraction: elements === 0 ? 0 : unchanged / elements };
}

/** Sums the records of one step. */
export function totalsOf(parameters: readonly ParameterStatistics[]): StatisticsTotals {
  let elements = 0;
  let flips = 0;
  let flipElements = 0;
  let stateElements = 0;
  let unchanged = 0;
  let unchangedByStorage = 0;
  let updatesNonZero = 0;
  let updatesLost = 0;
  for (const record of parameters) {
    elements += record.elements;
    if (record.flips !== undefined) {
      flips += record.flips;
      flipElements += record.elements;
    }
    for (const slot of record.state) {
      stateElements += slot.elements;
      unchanged += slot.unchanged;
      unchangedByStorage += slot.unchangedByStorage;
    }
    updatesNonZero += record.updatesNonZero ?? 0;
    updatesLost += record.updatesLost ?? 0;
  }
  return {
    elements,
    flips,
    flipRatio: flipElements === 0 ? 0 : flips / flipElements,
    stateElements,
    unchanged,
    unchangedByStorage,
    unchangedFraction: stateElements === 0 ? 0 : unchanged / stateElements,
    updatesNonZero,
    updatesLost,
    updatesLostFraction: updatesNonZero === 0 ? 0 : updatesLost / updatesNonZero,
  };
}
