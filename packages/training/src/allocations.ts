/**
 * Freeing the tensors of a training step as soon as the step is done.
 *
 * Backends with their own memory (the wasm backend's shared memory) free a tensor through
 * `dispose()` or, once it is unreachable, through a FinalizationRegistry. The registry only runs
 * after a garbage collection, and V8 collects by JavaScript heap pressure, which a training loop
 * hardly creates (its tensors are small wrappers around wasm memory): measured on LeNet-5 with FP8
 * points, hundreds of MiB of dead activations and gradients piled up between collections and a
 * 3-epoch run exhausted the 4 GiB wasm32 memory.
 *
 * An `AllocationScope` records every tensor the backend's kernels and uploads create while it is
 * open (by wrapping the backend's kernel functions for that time, like TensorFlow.js's `tidy`),
 * and `close(model)` disposes all of them except what outlives the step: the parameters' values
 * and gradients and the buffers, compared by storage handle (reshape shares storage). It also
 * disposes the values, gradients and buffers the model held when the scope opened and no longer
 * holds (last step's weights, replaced by the update). Backends without `dispose` (the reference
 * backend, garbage collected) are left alone. Consequence for users: a tensor obtained from the
 * model before a step (`parameter.value`) is invalid after it on such backends; copy with `data()`.
 */
import type { Backend, KernelTensor, Tensor } from '@lowbit/tensor';
import type { Module } from '@lowbit/nn';

type AnyFunction = (...args: unknown[]) => unknown;

/** Storage handles and tensors the model holds now. */
function heldTensors(model: Module): Tensor[] {
  const held: Tensor[] = [];
  for (const parameter of model.parameters()) {
    held.push(parameter.value);
    if (parameter.grad !== null) held.push(parameter.grad);
  }
  for (const [, buffer] of model.namedBuffers()) held.push(buffer);
  return held;
}

export class AllocationScope {
  private readonly created: { backend: Backend; tensor: KernelTensor }[] = [];
  private readonly undo: (() => void)[] = [];
  private readonly heldAtOpen: Tensor[];
  private closed = false;

  constructor(
    private readonly model: Module,
    backends: readonly (Backend | undefined)[],
  ) {
    this.heldAtOpen = heldTensors(model);
    for (const backend of new Set(backends)) {
      if (backend === undefined || typeof backend.dispose !== 'function') continue;
      const record = (result: unknown): unknown => {
        if (Array.isArray(result)) for (const entry of result) record(entry);
        else if (result !== null && typeof result === 'object' && 'handle' in result) this.created.push({ backend, tensor: result as KernelTensor });
        return result;
      };
      const kernels = backend.kernels as unknown as Record<string, AnyFunction>;
      for (const name of Object.keys(kernels)) {
        const original = kernels[name];
        if (typeof original !== 'function') continue;
        kernels[name] = (...args: unknown[]) => record(original.apply(kernels, args));
        this.undo.push(() => (kernels[name] = original));
      }
      const upload = backend.upload;
      backend.upload = ((...args: Parameters<Backend['upload']>) => record(upload.apply(backend, args))) as Backend['upload'];
      this.undo.push(() => (backend.upload = upload));
    }
  }

  /** Restores the backends and disposes what the step made and dropped. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const restore of this.undo.reverse()) restore();
    const keep = new Set<unknown>(heldTensors(this.model).map((tensor) => tensor.kernelTensor.handle));
    for (const { backend, tensor } of this.created) if (!keep.has(tensor.handle)) backend.dispose!(tensor);
    for (const tensor of this.heldAtOpen) if (!keep.has(tensor.kernelTensor.handle)) tensor.dispose();
  }
}

/** The backends a model's parameters live on, plus `extra` (where batches go). */
export function modelBackends(model: Module, extra?: Backend): Backend[] {
  const backends = new Set<Backend>(model.parameters().map((parameter) => parameter.value.backend));
  if (extra !== undefined) backends.add(extra);
  return [...backends];
}
