/**
 * Naive float64 references for layer tests: plain loops over the definitions, independent of the
 * tensor kernels they check.
 */

/** y[n, o] = sum_i x[n, i] w[o, i] + b[o]. */
export function naiveLinear(x: number[], w: number[], b: number[] | undefined, batch: number, inFeatures: number, outFeatures: number): number[] {
  const y: number[] = [];
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outFeatures; o++) {
      let total = b === undefined ? 0 : b[o];
      for (let i = 0; i < inFeatures; i++) total += x[n * inFeatures + i] * w[o * inFeatures + i];
      y.push(total);
    }
  }
  return y;
}

export interface NaiveConvOptions {
  stride: [number, number];
  padding: [number, number, number, number];
  dilation: [number, number];
  groups: number;
}

/** NCHW x OIHW cross-correlation with explicit [top, bottom, left, right] zero padding. */
export function naiveConv2d(
  x: number[],
  xShape: readonly number[],
  w: number[],
  wShape: readonly number[],
  b: number[] | undefined,
  { stride, padding, dilation, groups }: NaiveConvOptions,
): { values: number[]; shape: number[] } {
  const [batch, inChannels, height, width] = xShape;
  const [outChannels, groupChannels, kernelHeight, kernelWidth] = wShape;
  const outHeight = Math.floor((height + padding[0] + padding[1] - dilation[0] * (kernelHeight - 1) - 1) / stride[0]) + 1;
  const outWidth = Math.floor((width + padding[2] + padding[3] - dilation[1] * (kernelWidth - 1) - 1) / stride[1]) + 1;
  const perGroupOut = outChannels / groups;
  const values: number[] = [];
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outChannels; o++) {
      const group = Math.floor(o / perGroupOut);
      for (let i = 0; i < outHeight; i++) {
        for (let j = 0; j < outWidth; j++) {
          let total = b === undefined ? 0 : b[o];
          for (let c = 0; c < groupChannels; c++) {
            const channel = group * groupChannels + c;
            for (let p = 0; p < kernelHeight; p++) {
              for (let q = 0; q < kernelWidth; q++) {
                const row = i * stride[0] + p * dilation[0] - padding[0];
                const column = j * stride[1] + q * dilation[1] - padding[2];
                if (row < 0 || row >= height || column < 0 || column >= width) continue;
                total += x[((n * inChannels + channel) * height + row) * width + column] * w[((o * groupChannels + c) * kernelHeight + p) * kernelWidth + q];
              }
            }
          }
          values.push(total);
        }
      }
    }
  }
  return { values, shape: [batch, outChannels, outHeight, outWidth] };
}

/** Asserts |a - b| <= tolerance (relative + absolute) elementwise; returns the worst error. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= tolerance * (1 + Math.abs(expected[i])))) throw new Error(`element ${i}: ${actual[i]} vs ${expected[i]} (error ${error})`);
  }
}
