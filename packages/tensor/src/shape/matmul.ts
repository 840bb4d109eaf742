/**
 * Shape rules of matmul: a is [...batchA, m, k] ([..., k, m] with transposeA), b is
 * [...batchB, k, n] ([..., n, k] with transposeB); both have rank >= 2, the inner sizes agree and
 * the batch dimensions broadcast. The result is [...broadcast(batchA, batchB), m, n].
 */
import { ShapeError, formatShape } from '../errors.js';
import { broadcastShapes } from './broadcast.js';

export function matmulShape(
  op: string,
  a: readonly number[],
  b: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
): number[] {
  for (const [name, shape] of [['a', a], ['b', b]] as const) {
    if (shape.length < 2) {
      throw new ShapeError(
        `${op}: ${name} has shape ${formatShape(shape)} (rank ${shape.length}) but needs rank >= 2; ` +
          `use expandDims(${name}, ${name === 'a' ? 0 : -1}) to treat a vector as a ${name === 'a' ? 'row' : 'column'}`,
        [a, b],
      );
    }
  }
  const m = a[a.length - (transposeA ? 1 : 2)];
  const kA = a[a.length - (transposeA ? 2 : 1)];
  const kB = b[b.length - (transposeB ? 1 : 2)];
  const n = b[b.length - (transposeB ? 2 : 1)];
  if (kA !== kB) {
    throw new ShapeError(
      `${op}: inner sizes differ: a ${formatShape(a)}${transposeA ? ' (transposed)' : ''} has k = ${kA}, ` +
        `b ${formatShape(b)}${transposeB ? ' (transposed)' : ''} has k = ${kB}; ` +
        'the last axis of a must equal the second-to-last of b (transposeA/transposeB swap these)',
      [a, b],
    );
  }
  try {
    return [...broadcastShapes(op, a.slice(0, -2), b.slice(0, -2)), m, n];
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new ShapeError(
      `${op}: batch dimensions of a ${formatShape(a)} and b ${formatShape(b)} do not broadcast (${error.message.slice(op.length + 2)})`,
      [a, b],
    );
  }
}
