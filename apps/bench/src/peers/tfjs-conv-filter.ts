/**
 * `Conv2DBackpropFilter` for TensorFlow.js' wasm backend, which 4.22 does not have (so `tf.grad`
 * of a convolution's filter fails there and no conv net trains). Built only from TF.js' own ops
 * (pad, strided slices, concat, transposes, one matMul), i.e. from kernels the wasm backend does have:
 *
 *   dW[kh, kw, c, o] = sum over n, y, x of  xPadded[n, y·sh + kh, x·sw + kw, c] · dy[n, y, x, o]
 *
 * The KH·KW strided slices of the padded input are concatenated along channels into the im2col
 * matrix [N·OH·OW, KH·KW·C]; its transpose times dy [N·OH·OW, O] is the filter gradient
 * [KH·KW·C, O] in TF.js' HWIO order. NHWC only (TF.js computes convolutions in NHWC).
 */
import type * as TF from '@tensorflow/tfjs-core';

type Tf = typeof TF;

export interface BackpropFilterAttributes {
  strides: [number, number] | number;
  pad: TF.Conv2DBackpropFilterAttrs['pad'];
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** The filter gradient of an NHWC convolution, from TF.js ops. */
export function conv2dBackpropFilterFromOps(tf: Tf, x: TF.Tensor4D, dy: TF.Tensor4D, attributes: BackpropFilterAttributes): TF.Tensor4D {
  if (attributes.dataFormat === 'NCHW') throw new Error('conv2dBackpropFilterFromOps: dataFormat NCHW is not supported (TF.js convolutions are NHWC)');
  const [kernelHeight, kernelWidth, inChannels, outChannels] = attributes.filterShape;
  const info = tf.backend_util.computeConv2DInfo(x.shape, attributes.filterShape, attributes.strides, 1, attributes.pad, attributes.dimRoundingMode);
  const { top, bottom, left, right } = info.padInfo;
  const [batch] = x.shape;
  const rows = batch * info.outHeight * info.outWidth;
  return tf.tidy(() => {
    const padded = top + bottom + left + right === 0 ? x : tf.pad(x, [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]]);
    const taps: TF.Tensor4D[] = [];
    for (let kh = 0; kh < kernelHeight; kh++) {
      for (let kw = 0; kw < kernelWidth; kw++) {
        const begin = [0, kh, kw, 0];
        const end = [batch, kh + (info.outHeight - 1) * info.strideHeight + 1, kw + (info.outWidth - 1) * info.strideWidth + 1, inChannels];
        taps.push(tf.stridedSlice(padded, begin, end, [1, info.strideHeight, info.strideWidth, 1]) as TF.Tensor4D);
      }
    }
    const columns = taps.length === 1 ? taps[0] : tf.concat(taps, 3);
    // dy^T [O, rows] · columns [rows, KH·KW·C], then a small transpose: a matMul with transposeA on
    // the tall matrices is ~5x slower on this backend, and transposing dy is cheaper than the columns.
    const transposed = tf.matMul(tf.transpose(tf.reshape(dy, [rows, outChannels])), tf.reshape(columns, [rows, kernelHeight * kernelWidth * inChannels]));
    return tf.reshape(tf.transpose(transposed), attributes.filterShape);
  });
}

/**
 * Registers the kernel for `backendName` (default 'wasm') unless that backend already has one.
 * Returns true when this call registered it.
 */
export function registerConv2dBackpropFilter(tf: Tf, backendName = 'wasm'): boolean {
  if (tf.getKernel(tf.Conv2DBackpropFilter, backendName) !== undefined) return false;
  tf.registerKernel({
    kernelName: tf.Conv2DBackpropFilter,
    backendName,
    // The engine hands kernels the op's tensors (TensorInfos are wrapped); a returned Tensor (it has a rank) is taken as the output.
    kernelFunc: ({ inputs, attrs }) => {
      const asTensor = (info: TF.TensorInfo | undefined) => (info instanceof tf.Tensor ? info : tf.engine().makeTensorFromTensorInfo(info!)) as TF.Tensor4D;
      return conv2dBackpropFilterFromOps(tf, asTensor(inputs.x), asTensor(inputs.dy), attrs as unknown as BackpropFilterAttributes);
    },
  });
  return true;
}
