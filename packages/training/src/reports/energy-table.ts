/**
 * Energy per operation, the default from Horowitz, "Computing's energy problem (and what we can
 * do about it)", ISSCC 2014, 45 nm (the figures papers.md lists for RCT):
 *
 * | operation | energy |
 * |---|---|
 * | 8-bit integer multiply | 0.2 pJ |
 * | 32-bit integer multiply | 3.1 pJ |
 * | 8-bit integer add | 0.03 pJ |
 * | 32-bit integer add | 0.1 pJ |
 * | FP32 multiply | 3.7 pJ |
 * | FP32 add | 0.9 pJ |
 * | DRAM access, 32 bits | 640 pJ |
 *
 * Between the anchors (reconstruction R): an integer multiplier's energy is linear in the product
 * of its operand widths, through (8·8, 0.2) and (32·32, 3.1), so E(a, b) = 0.2 + (a b - 64) · 2.9 / 960
 * pJ (an array multiplier has a·b partial-product cells); an adder's is linear in the accumulator
 * width through (8, 0.03) and (32, 0.1). A MAC whose operands are both in formats (fixed point,
 * scaled integers, low-precision floats: priced by their code widths, an approximation for floats,
 * whose significand multiplier is narrower) costs one integer multiply and one accumulator add;
 * a MAC with a float32 operand costs an FP32 multiply and add. DRAM traffic costs 640 pJ per 32 bits.
 */
import { ArgumentError } from '@lowbit/tensor';

export interface EnergyTable {
  /** Shown in reports. */
  name: string;
  /** Two anchors (bits of both operands, picojoules) of the integer multiplier, linear in the product of widths. */
  integerMultiply: readonly [{ bits: number; picojoules: number }, { bits: number; picojoules: number }];
  /** Two anchors (accumulator bits, picojoules) of the integer adder, linear in width. */
  integerAdd: readonly [{ bits: number; picojoules: number }, { bits: number; picojoules: number }];
  float32Multiply: number;
  float32Add: number;
  /** Accumulator width of integer MACs. */
  accumulatorBits: number;
  /** DRAM energy per access of `dramAccessBits` bits. */
  dramAccess: number;
  dramAccessBits: number;
}

export const HOROWITZ_45NM: EnergyTable = Object.freeze({
  name: 'Horowitz ISSCC 2014, 45 nm',
  integerMultiply: [
    { bits: 8, picojoules: 0.2 },
    { bits: 32, picojoules: 3.1 },
  ],
  integerAdd: [
    { bits: 8, picojoules: 0.03 },
    { bits: 32, picojoules: 0.1 },
  ],
  float32Multiply: 3.7,
  float32Add: 0.9,
  accumulatorBits: 32,
  dramAccess: 640,
  dramAccessBits: 32,
} as const);

/** The default table with some entries replaced (checked). */
export function energyTable(overrides: Partial<EnergyTable> = {}): EnergyTable {
  const table = { ...HOROWITZ_45NM, ...overrides };
  const op = 'energyTable';
  for (const field of ['float32Multiply', 'float32Add', 'dramAccess'] as const) {
    if (typeof table[field] !== 'number' || !(table[field] >= 0)) throw new ArgumentError(op, field, table[field], 'picojoules >= 0');
  }
  for (const field of ['accumulatorBits', 'dramAccessBits'] as const) {
    if (!Number.isSafeInteger(table[field]) || table[field] < 1) throw new ArgumentError(op, field, table[field], 'a positive integer');
  }
  for (const field of ['integerMultiply', 'integerAdd'] as const) {
    const anchors = table[field];
    if (!Array.isArray(anchors) || anchors.length !== 2 || anchors.some((a) => !(a?.bits > 0) || !(a?.picojoules >= 0)) || anchors[0].bits === anchors[1].bits) {
      throw new ArgumentError(op, field, anchors, 'two anchors [{ bits, picojoules }, { bits, picojoules }] at different widths');
    }
  }
  return table;
}

/** Energy of one integer multiply of an a-bit by a b-bit operand. */
export function integerMultiplyEnergy(table: EnergyTable, a: number, b: number): number {
  const [low, high] = table.integerMultiply;
  const x0 = low.bits * low.bits;
  const x1 = high.bits * high.bits;
  return Math.max(0, low.picojoules + ((a * b - x0) * (high.picojoules - low.picojoules)) / (x1 - x0));
}

/** Energy of one add into a `bits`-bit accumulator. */
export function integerAddEnergy(table: EnergyTable, bits: number): number {
  const [low, high] = table.integerAdd;
  return Math.max(0, low.picojoules + ((bits - low.bits) * (high.picojoules - low.picojoules)) / (high.bits - low.bits));
}

/** Energy of one MAC with operands of these representations. */
export function macEnergy(table: EnergyTable, a: { bits: number; float32: boolean }, b: { bits: number; float32: boolean }): number {
  if (a.float32 || b.float32) return table.float32Multiply + table.float32Add;
  return integerMultiplyEnergy(table, a.bits, b.bits) + integerAddEnergy(table, table.accumulatorBits);
}

/** DRAM energy of moving `bits` bits once. */
export function movementEnergy(table: EnergyTable, bits: number): number {
  return (bits / table.dramAccessBits) * table.dramAccess;
}
