/** Input checks shared by layers: each names the layer, what it expects and what to change. */
import { ShapeError, formatShape } from '@lowbit/tensor';
import type { Variable } from '@lowbit/autograd';

/** Throws unless x has one of the given ranks; `layout` describes the axes ('[batch, channels, height, width]'). */
export function expectRank(label: string, x: Variable, ranks: readonly number[], layout: string): void {
  if (ranks.includes(x.rank)) return;
  throw new ShapeError(
    `${label}: expects input ${layout} (rank ${ranks.join(' or ')}), got shape ${formatShape(x.shape)} (rank ${x.rank})` +
      (x.rank === 2 && ranks.includes(4) ? '; reshape flat images to [batch, channels, height, width] first' : '') +
      (x.rank === 4 && ranks.includes(2) ? '; add a Flatten layer before it' : ''),
    [x.shape],
  );
}

/** Throws unless axis `axis` of x has `expected` entries. */
export function expectAxis(label: string, x: Variable, axis: number, expected: number, what: string, hint: string): void {
  const size = x.shape[axis < 0 ? x.rank + axis : axis];
  if (size === expected) return;
  throw new ShapeError(`${label}: expects ${expected} ${what} on axis ${axis} of its input, got ${size} (input shape ${formatShape(x.shape)}); ${hint}`, [x.shape]);
}

/** A positive integer option. */
export function positiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}
