/**
 * Index arithmetic for the float64 reference formulas of the conformance cases. Deliberately
 * naive (coordinates as arrays, one element at a time) and independent of the reference backend's
 * strided-offset machinery, so the suite checks the reference backend too.
 */

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Row-major coordinates of flat index `index` in `shape`. */
export function coordinatesOf(index: number, shape: readonly number[]): number[] {
  const coordinates = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    coordinates[axis] = index % shape[axis];
    index = Math.floor(index / shape[axis]);
  }
  return coordinates;
}

/** Flat row-major index of coordinates in `shape`. */
export function indexOf(coordinates: readonly number[], shape: readonly number[]): number {
  let index = 0;
  for (let axis = 0; axis < shape.length; axis++) index = index * shape[axis] + coordinates[axis];
  return index;
}

/** The value of a tensor of `shape` seen at output coordinates under broadcasting. */
export function broadcastRead(values: ArrayLike<number>, shape: readonly number[], outCoordinates: readonly number[]): number {
  const shift = outCoordinates.length - shape.length;
  const coordinates = shape.map((dimension, axis) => (dimension === 1 ? 0 : outCoordinates[axis + shift]));
  return values[indexOf(coordinates, shape)];
}

/** The NumPy broadcast shape (assumes the shapes are compatible). */
export function broadcastShape(...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, axis) => {
    let size = 1;
    for (const shape of shapes) {
      const dimension = shape[axis - (rank - shape.length)] ?? 1;
      if (dimension !== 1) size = dimension;
    }
    return size;
  });
}

/** out[i] = f(inputs read at i under broadcasting) over the broadcast shape. */
export function broadcastMap(
  inputs: readonly { values: ArrayLike<number>; shape: readonly number[] }[],
  f: (...operands: number[]) => number,
): { shape: number[]; values: Float64Array } {
  const shape = broadcastShape(...inputs.map((input) => input.shape));
  const values = new Float64Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) {
    const coordinates = coordinatesOf(i, shape);
    values[i] = f(...inputs.map((input) => broadcastRead(input.values, input.shape, coordinates)));
  }
  return { shape, values };
}

/**
 * Groups the values of `shape` by their kept coordinates (axes not in `axes`): returns the output
 * shape (keepDims false) and, per output element, the list of its values in row-major order of the
 * reduced axes.
 */
export function groupForReduction(values: ArrayLike<number>, shape: readonly number[], axes: readonly number[]): { shape: number[]; groups: number[][] } {
  const reduced = new Set(axes);
  const outShape = shape.filter((_, axis) => !reduced.has(axis));
  const groups = Array.from({ length: sizeOf(outShape) }, () => [] as number[]);
  for (let i = 0; i < sizeOf(shape); i++) {
    const coordinates = coordinatesOf(i, shape);
    const kept = coordinates.filter((_, axis) => !reduced.has(axis));
    groups[indexOf(kept, outShape)].push(values[i]);
  }
  return { shape: outShape, groups };
}
