import { describe, expect, it } from 'vitest';
import { Conv2d, crossEntropy, Flatten, Linear, ReLU, Sequential } from '@lowbit/nn';
import { sgd } from '@lowbit/optim';
import { add, getBackend, matmul, randomNormal, referenceBackend, setBackend, tensor, type Backend, type Conv2dAttributes, type KernelTensor } from '@lowbit/tensor';
import { liveBackendBytes } from '../memory-pressure.js';
import { describeKernelCall, timeKernels } from './kernel-timer.js';

/** Two training steps of a tiny conv net on `backend` (`beforeSteps` runs after building it); the milliseconds of the steps. */
function twoSteps(backend: Backend, beforeSteps: () => void): number {
  const previous = getBackend();
  setBackend(backend);
  try {
    const model = new Sequential({
      conv: new Conv2d({ inChannels: 1, outChannels: 2, kernelSize: 3, padding: 1, seed: 1 }),
      relu: new ReLU(),
      flatten: new Flatten(),
      fc: new Linear({ inFeatures: 2 * 6 * 6, outFeatures: 10, seed: 2 }),
    });
    const optimizer = sgd({ learningRate: 0.1, momentum: 0.9, statistics: false }).create(model.namedParameters());
    const images = randomNormal([4, 1, 6, 6], { seed: 3 });
    const labels = tensor(Int32Array.from([0, 1, 2, 3]), [4]);
    beforeSteps();
    const started = performance.now();
    for (let step = 0; step < 2; step++) {
      optimizer.zeroGrad();
      const loss = crossEntropy(model.forward(images), labels);
      loss.backward();
      optimizer.step();
      loss.item();
    }
    return performance.now() - started;
  } finally {
    setBackend(previous);
  }
}

describe('timeKernels', () => {
  it('counts the calls of two training steps per kernel and shapes, inside the steps’ time', () => {
    const timer = timeKernels(referenceBackend);
    const stepsMilliseconds = twoSteps(timer.backend, () => timer.reset());
    const timings = timer.timings();
    const find = (kernel: string) => timings.filter((timing) => timing.kernel === kernel);
    // One convolution and one linear layer: each step runs the convolution forward, its filter gradient, and three matmuls.
    expect(find('conv2d')).toEqual([expect.objectContaining({ shapes: '4x1x6x6 * 2x1x3x3 (pad 1)', calls: 2, kind: 'kernel' })]);
    expect(find('conv2dBackwardFilter').map((timing) => timing.calls)).toEqual([2]);
    expect(find('conv2dBackwardData')).toEqual([]); // the input needs no gradient
    expect(find('matmul').map((timing) => timing.shapes).sort()).toEqual(['4x10 @ 10x72', '4x10^T @ 4x72', '4x72 @ 10x72^T']);
    expect(find('relu')).toEqual([expect.objectContaining({ shapes: 'out 4x2x6x6', calls: 2 })]);
    expect(find('download').length).toBeGreaterThan(0); // loss.item()
    // The same kernel calls every step (uploads differ: the first step creates the momentum buffers), times within the steps.
    for (const timing of timings) {
      if (timing.kind === 'kernel') expect(timing.calls % 2, `${timing.kernel} ${timing.shapes}`).toBe(0);
      expect(timing.milliseconds).toBeGreaterThanOrEqual(0);
    }
    const inside = timings.reduce((sum, timing) => sum + timing.milliseconds, 0);
    expect(inside).toBeLessThanOrEqual(stepsMilliseconds);
    expect(timings.map((timing) => timing.milliseconds)).toEqual(timings.map((timing) => timing.milliseconds).sort((a, b) => b - a));

    timer.reset();
    expect(timer.timings()).toEqual([]);
  });

  it('attributes the clock’s time to the kernel that ran', () => {
    let now = 0;
    const slow = (milliseconds: number) => (x: KernelTensor) => {
      now += milliseconds;
      return x;
    };
    const fake = { ...referenceBackend, kernels: { ...referenceBackend.kernels, add: slow(5), matmul: slow(7) } } as Backend;
    const timer = timeKernels(fake, { clock: () => now });
    const x = tensor([1, 2, 3, 4], [2, 2], { backend: timer.backend });
    add(x, x);
    add(x, x);
    matmul(x, x);
    expect(timer.timings()).toEqual([
      { kernel: 'add', kind: 'kernel', shapes: 'out 2x2', calls: 2, milliseconds: 10 },
      { kernel: 'matmul', kind: 'kernel', shapes: '2x2 @ 2x2', calls: 1, milliseconds: 7 },
      { kernel: 'upload', kind: 'transfer', shapes: '2x2', calls: 1, milliseconds: 0 },
    ]);
  });

  it('keeps the rest of the backend, reads it from the original and never modifies the original', () => {
    class CountingBackend implements Backend {
      readonly name = 'counting';
      readonly kernels = { ...referenceBackend.kernels };
      #live = 1234;
      upload = referenceBackend.upload;
      download = referenceBackend.download;
      dispose(): void {
        this.#live -= 1;
      }
      liveBytes(): number {
        return this.#live; // a private field: works only when called on the original
      }
    }
    const original = new CountingBackend();
    const { kernels, upload } = original;
    const originalAdd = kernels.add;
    const timer = timeKernels(original);
    const wrapped = timer.backend as CountingBackend;
    expect(wrapped.name).toBe('counting');
    expect(wrapped.liveBytes()).toBe(1234);
    wrapped.dispose();
    expect(original.liveBytes()).toBe(1233);
    // memory-pressure.ts reads liveBytes of the current backend.
    const previous = getBackend();
    setBackend(wrapped);
    try {
      expect(liveBackendBytes()).toBe(1233);
    } finally {
      setBackend(previous);
    }
    // What @lowbit/training's AllocationScope does to a backend: patch kernels and upload. Only the wrapper changes.
    wrapped.kernels.add = () => {
      throw new Error('patched');
    };
    wrapped.upload = () => {
      throw new Error('patched');
    };
    expect(original.kernels).toBe(kernels);
    expect(original.kernels.add).toBe(originalAdd);
    expect(original.upload).toBe(upload);
    expect(wrapped.kernels).not.toBe(kernels);
  });

  it('names calls by their shapes', () => {
    const x = (shape: number[]) => ({ shape, dtype: 'float32', handle: null }) as KernelTensor;
    const conv = (stride: [number, number], padding: [number, number, number, number]) => ({ stride, padding, dilation: [1, 1], groups: 1 }) as unknown as Conv2dAttributes;
    expect(describeKernelCall('matmul', [x([8, 3]), x([5, 3]), { transposeA: false, transposeB: true, outShape: [8, 5] }])).toBe('8x3 @ 5x3^T');
    expect(describeKernelCall('conv2d', [x([2, 3, 32, 32]), x([64, 3, 3, 3]), conv([2, 2], [1, 1, 1, 1])])).toBe('2x3x32x32 * 64x3x3x3 (stride 2, pad 1)');
    expect(describeKernelCall('conv2dBackwardData', [x([2, 6, 4, 4]), x([6, 3, 1, 1]), conv([1, 1], [0, 1, 0, 1])])).toBe('2x6x4x4 * 6x3x1x1 (pad 0,1,0,1)');
    expect(describeKernelCall('sum', [x([4, 5]), { axes: [0, 1], keepDims: false, outShape: [] }])).toBe('out scalar');
    expect(describeKernelCall('cast', [x([7]), { dtype: 'int32' }])).toBe('out 7');
  });
});
