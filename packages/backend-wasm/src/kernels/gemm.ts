/**
 * matmul and the three convolution kernels: each is one or a few GEMM jobs for the wasm GEMM
 * (assembly/gemm.ts), whose operands are descriptors. This file writes the jobs; the layout of
 * the words matches assembly/gemm.ts, assembly/operands.ts and assembly/conv.ts.
 *
 * Convolutions never build the im2col matrix: the GEMM reads it through an IM2COL descriptor
 * while packing, and writes y straight into NCHW through an IMAGES descriptor.
 *   conv2d:               Y_g [OCG, N*P] = Filter_g [OCG, K] · im2col_g [K, N*P]
 *   conv2dBackwardFilter: dFilter_g [OCG, K] = dY_g [OCG, N*P] · im2col_g^T [N*P, K]
 *   conv2dBackwardData:   per image chunk, dColumns = Filter_g^T · dY_g, then col2im (in wasm);
 *                         with few output channels per group, each tap's column values computed
 *                         straight into dx instead (no GEMM; the same bits)
 * Products with a small C and a long depth (weight gradients of small convolutions) are split
 * along the depth instead of along C (depthChunkFor, assembly/depth-split.ts).
 */
import type { Conv2dAttributes, MatmulAttributes } from '@lowbit/tensor';
import type { Runtime } from '../runtime.js';
import type { Storage, WasmTensor } from '../storage.js';

const KIND_DENSE = 0;
const KIND_IMAGES = 1;
const KIND_IM2COL = 2;
const OPERAND_WORDS = 20;
const JOB_A = 16;
const JOB_B = JOB_A + OPERAND_WORDS;
const JOB_C = JOB_B + OPERAND_WORDS;
/** Multiply-adds below which a product stays on one thread (a dispatch costs ~1-5 us). */
const FLOPS_PER_PART = 1 << 20;
/** Narrowest GEMM unit of work (columns or rows) when there are enough for every thread. */
const MINIMUM_UNIT = 256;
/** KC of assembly/gemm.ts: the depth of a packed block. */
const BLOCK_DEPTH = 256;
/** Shallowest chunk of a product split along its depth (assembly/depth-split.ts). */
const MINIMUM_DEPTH_CHUNK = 4 * BLOCK_DEPTH;
/** Bytes the partial sums of a depth-split product may take: beyond, its chunks get deeper. */
const MAXIMUM_PARTIAL_BYTES = 4 << 20;
/** conv2dBackwardData computes column values directly (no GEMM) up to this many output channels per group. */
const DIRECT_MAXIMUM_OUT_CHANNELS = 8;

export type Operand = readonly number[];

/** A row-major matrix at `address` with rows of `leading` values (read transposed or not). */
export const dense = (address: number, leading: number, transposed: boolean): Operand => [KIND_DENSE, address, transposed ? 1 : 0, leading];
/** An NCHW tensor read as [channels, images * pixels]: `pixels` per channel, `imageStride` values per image. */
export const images = (address: number, pixels: number, imageStride: number): Operand => [KIND_IMAGES, address, 0, pixels, imageStride];

export interface GemmJob {
  m: number;
  n: number;
  k: number;
  a: Operand;
  b: Operand;
  c: Operand;
  accumulate?: boolean;
  /** byte offsets [a, b, c] per batch (batched matmul). */
  batchOffsets?: Int32Array;
}

export class GemmKernels {
  private readonly scratchPerThread: number;

  constructor(
    private readonly runtime: Runtime,
    private readonly storage: Storage,
  ) {
    this.scratchPerThread = runtime.exports.gemmScratchBytes();
  }

  /** Runs C (+)= A · B; splits columns between threads unless there are more rows, or the depth. */
  run(job: GemmJob): void {
    const { runtime } = this;
    const batches = job.batchOffsets ? job.batchOffsets.length / 3 : 1;
    const depthChunk = batches > 1 ? 0 : depthChunkFor(job.m, job.n, job.k);
    const chunks = depthChunk > 0 ? Math.ceil(job.k / depthChunk) : 0;
    const limit = batches > 1 ? batches : depthChunk > 0 ? chunks : Infinity;
    const parts = runtime.partsFor(2 * job.m * job.n * job.k * batches, FLOPS_PER_PART, limit);
    const partialBytes = Math.max(0, chunks - 1) * job.m * job.n * 4;
    const scratch = runtime.scratch(this.scratchPerThread * parts + partialBytes);
    const partials = partialBytes > 0 ? scratch + this.scratchPerThread * parts : 0;
    let offsets = 0;
    if (job.batchOffsets) {
      offsets = runtime.heap.allocate(job.batchOffsets.byteLength);
      runtime.heap.i32.set(job.batchOffsets, offsets / 4);
    }
    // Units of work (assembly/schedule.ts): blocks of columns (multiples of 8) unless there are more
    // rows (multiples of 4). Up to 4 per thread, so a thread that gets less CPU takes fewer, but at
    // least 256 wide: each unit packs the whole other operand, which costs about 1/(2 x width) of
    // its multiply-adds. The count is then rounded up to a multiple of the threads, so that they
    // get equal shares (576 columns as 256 + 256 + 64 left one thread 25 % more work than the other).
    // A depth-split job (depthChunk > 0) ignores these: its units are chunks.
    const splitRows = job.m > job.n;
    const length = splitRows ? job.m : job.n;
    const multiple = splitRows ? 4 : 8;
    const roundUp = (value: number) => Math.ceil(value / multiple) * multiple;
    const widest = Math.ceil(length / roundUp(Math.max(MINIMUM_UNIT, length / (4 * parts))));
    const unit = roundUp(length / (Math.ceil(widest / parts) * parts));
    const header = [job.m, job.n, job.k, job.accumulate ? 1 : 0, splitRows ? 1 : 0, batches, offsets, scratch, this.scratchPerThread, unit, depthChunk, partials, 0];
    runtime.writeJob(header);
    runtime.writeJob(job.a, JOB_A);
    runtime.writeJob(job.b, JOB_B);
    runtime.writeJob(job.c, JOB_C);
    try {
      runtime.run('gemmTask', parts);
    } finally {
      if (offsets) runtime.heap.free(offsets);
    }
  }

  matmul(a: WasmTensor, b: WasmTensor, { transposeA, transposeB, outShape }: MatmulAttributes): WasmTensor {
    const rank = outShape.length;
    const rows = outShape[rank - 2];
    const columns = outShape[rank - 1];
    const depth = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
    const out = this.storage.allocate(outShape);
    if (depth === 0) {
      this.storage.f32(out).fill(0);
      return out;
    }
    const batchShape = outShape.slice(0, -2);
    const aOffsets = batchOffsets(a.shape, batchShape, rows * depth);
    const bOffsets = batchOffsets(b.shape, batchShape, depth * columns);
    let offsets: Int32Array | undefined;
    if (aOffsets.length > 1) {
      offsets = new Int32Array(aOffsets.length * 3);
      for (let batch = 0; batch < aOffsets.length; batch++) {
        offsets[batch * 3] = aOffsets[batch] * 4;
        offsets[batch * 3 + 1] = bOffsets[batch] * 4;
        offsets[batch * 3 + 2] = batch * rows * columns * 4;
      }
    }
    this.run({
      m: rows,
      n: columns,
      k: depth,
      // Stored row lengths: A is [m, k] ([k, m] transposed), B is [k, n] ([n, k] transposed).
      a: dense(a.handle.address + (offsets ? 0 : aOffsets[0] * 4), transposeA ? rows : depth, transposeA),
      b: dense(b.handle.address + (offsets ? 0 : bOffsets[0] * 4), transposeB ? depth : columns, transposeB),
      c: dense(out.handle.address, columns, false),
      batchOffsets: offsets,
    });
    return out;
  }

  conv2d(x: WasmTensor, filter: WasmTensor, attributes: Conv2dAttributes): WasmTensor {
    const geometry = geometryOf(attributes);
    const y = this.storage.allocate(attributes.outShape);
    const { groups, inPerGroup, outPerGroup, taps, pixels, batch, outChannels } = geometry;
    for (let group = 0; group < groups; group++) {
      this.run({
        m: outPerGroup,
        n: batch * pixels,
        k: taps,
        a: dense(filter.handle.address + group * outPerGroup * taps * 4, taps, false),
        b: im2col(x.handle.address, attributes, group * inPerGroup, false),
        c: images(y.handle.address + group * outPerGroup * pixels * 4, pixels, outChannels * pixels),
      });
    }
    return y;
  }

  conv2dBackwardFilter(x: WasmTensor, dy: WasmTensor, attributes: Conv2dAttributes): WasmTensor {
    const geometry = geometryOf(attributes);
    const dFilter = this.storage.allocate(attributes.filterShape);
    const { groups, inPerGroup, outPerGroup, taps, pixels, batch, outChannels } = geometry;
    if (batch * pixels === 0) {
      this.storage.f32(dFilter).fill(0);
      return dFilter;
    }
    for (let group = 0; group < groups; group++) {
      this.run({
        m: outPerGroup,
        n: taps,
        k: batch * pixels,
        a: images(dy.handle.address + group * outPerGroup * pixels * 4, pixels, outChannels * pixels),
        b: im2col(x.handle.address, attributes, group * inPerGroup, true),
        c: dense(dFilter.handle.address + group * outPerGroup * taps * 4, taps, false),
      });
    }
    return dFilter;
  }

  conv2dBackwardData(dy: WasmTensor, filter: WasmTensor, attributes: Conv2dAttributes): WasmTensor {
    const { runtime } = this;
    const geometry = geometryOf(attributes);
    const dx = this.storage.allocate(attributes.inShape);
    const { batch, taps, pixels, outPerGroup, groups } = geometry;
    const parts = runtime.partsFor(2 * batch * pixels * taps * outPerGroup * groups, FLOPS_PER_PART, batch);
    // Chunks of images (the units of work): about 1024 columns, at most ~8 MB of columns per thread,
    // and at least two chunks per thread.
    const perChunk = Math.max(1, Math.min(Math.ceil(1024 / pixels), Math.floor((8 << 20) / (taps * pixels * 4)), Math.ceil(batch / (2 * parts))));
    // Few output channels: the GEMM's depth would be that small, so computing each tap's column
    // values straight into dx is faster (assembly/conv.ts, directImage; the same bits).
    const direct = outPerGroup <= DIRECT_MAXIMUM_OUT_CHANNELS;
    const stride = runtime.exports.convBackwardDataScratchBytes() + (direct ? pixels : taps * perChunk * pixels) * 4 + 64;
    const scratch = runtime.scratch(stride * parts);
    const [, channels, height, width] = attributes.inShape;
    const [outChannels, , kernelHeight, kernelWidth] = attributes.filterShape;
    const [, , outHeight, outWidth] = attributes.outShape;
    runtime.writeJob([
      batch, channels, height, width, outChannels, kernelHeight, kernelWidth,
      attributes.stride[0], attributes.stride[1], attributes.padding[0], attributes.padding[2],
      attributes.dilation[0], attributes.dilation[1], outHeight, outWidth, groups,
      dy.handle.address, filter.handle.address, dx.handle.address, scratch, stride, perChunk, direct ? 1 : 0,
    ]);
    runtime.run('conv2dBackwardDataTask', parts);
    return dx;
  }
}

/**
 * Depth of a chunk when the product C (m x n) (+)= A · B is split along its depth k (units of work
 * are then chunks of depth, assembly/depth-split.ts), or 0. Split when C fits one unit of work
 * (max(m, n) <= MINIMUM_UNIT: splitting it would give units narrower than that, each packing the
 * whole of the other operand, e.g. LeNet-5's weight gradients, dFilter [6, 25] with a depth of
 * 64 x 784) and the depth makes two chunks or more. Chunks are whole KC blocks, 4 at least (the
 * extra work of a chunk, its partial sum and its addition, is ~1/1024 of its multiply-adds); their
 * count is bounded by the bytes of the partial sums. Depends on m, n and k only, never on the
 * threads, so a product is rounded the same way on every thread count.
 */
export function depthChunkFor(m: number, n: number, k: number): number {
  if (m * n === 0 || Math.max(m, n) > MINIMUM_UNIT || k < 2 * MINIMUM_DEPTH_CHUNK) return 0;
  const maximumChunks = Math.max(2, 1 + Math.floor(MAXIMUM_PARTIAL_BYTES / (4 * m * n)));
  return Math.max(MINIMUM_DEPTH_CHUNK, Math.ceil(k / maximumChunks / BLOCK_DEPTH) * BLOCK_DEPTH);
}

interface Geometry {
  batch: number;
  groups: number;
  inPerGroup: number;
  outPerGroup: number;
  outChannels: number;
  taps: number;
  pixels: number;
}

function geometryOf(attributes: Conv2dAttributes): Geometry {
  const [batch, inChannels] = attributes.inShape;
  const [outChannels, , kernelHeight, kernelWidth] = attributes.filterShape;
  const inPerGroup = inChannels / attributes.groups;
  return {
    batch,
    groups: attributes.groups,
    inPerGroup,
    outPerGroup: outChannels / attributes.groups,
    outChannels,
    taps: inPerGroup * kernelHeight * kernelWidth,
    pixels: attributes.outShape[2] * attributes.outShape[3],
  };
}

/** The IM2COL descriptor of x (assembly/operands.ts): [taps, batch * pixels], or its transpose. */
function im2col(address: number, attributes: Conv2dAttributes, channelOffset: number, transposed: boolean): Operand {
  const [, channels, height, width] = attributes.inShape;
  const [, , kernelHeight, kernelWidth] = attributes.filterShape;
  const [, , outHeight, outWidth] = attributes.outShape;
  return [
    KIND_IM2COL, address, transposed ? 1 : 0, channels, height, width, kernelHeight, kernelWidth,
    attributes.stride[0], attributes.stride[1], attributes.padding[0], attributes.padding[2],
    attributes.dilation[0], attributes.dilation[1], outHeight, outWidth, channelOffset,
  ];
}

/** Offset (in values) of an operand's matrix for every batch position of the broadcast output. */
function batchOffsets(shape: readonly number[], batchShape: readonly number[], matrixSize: number): Int32Array {
  const count = batchShape.reduce((a, b) => a * b, 1);
  const offsets = new Int32Array(count);
  const inner = shape.slice(0, -2);
  const shift = batchShape.length - inner.length;
  for (let index = 0; index < count; index++) {
    let rest = index;
    let offset = 0;
    let stride = matrixSize;
    for (let axis = batchShape.length - 1; axis >= 0; axis--) {
      const position = rest % batchShape[axis];
      rest = Math.floor(rest / batchShape[axis]);
      const inAxis = axis - shift;
      if (inAxis >= 0) {
        if (inner[inAxis] !== 1) offset += position * stride;
        stride *= inner[inAxis];
      }
    }
    offsets[index] = offset;
  }
  return offsets;
}
