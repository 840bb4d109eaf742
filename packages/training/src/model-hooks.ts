/**
 * Two things the training loop needs from a module tree that @lowbit/nn does not offer as API:
 *
 * - **Forward hooks**: `withForwardHooks` runs a function while every module's `forward` is
 *   wrapped (an own property shadowing the prototype method, removed afterwards), so a shape
 *   trace or a NaN search sees each module's input and output without the layers knowing. Only
 *   used outside the hot loop (diagnosis, reports).
 * - **Volatile state**: what a forward pass changes besides the parameters (batch-norm running
 *   statistics, quantization point steps and stream positions, dropout streams). A skipped step
 *   restores it, so a skipped batch leaves no trace (a NaN batch must not poison running means),
 *   and the NaN search replays a failed step exactly. Tensors are immutable, so keeping references
 *   to the buffer tensors is a snapshot; point states are a few numbers.
 */
import type { QuantizationPointState, Variable } from '@lowbit/autograd';
import type { Tensor } from '@lowbit/tensor';
import type { Module } from '@lowbit/nn';
import { quantizationPoints } from '@lowbit/nn';

export type ForwardHook = (path: string, module: Module, input: Variable | Tensor, output: Variable) => Variable | void;

/** Runs `run` with `hook` called after every module's forward (children before their parents); the hook may replace the output. */
export function withForwardHooks<T>(model: Module, hook: ForwardHook, run: () => T): T {
  const wrapped: Module[] = [];
  try {
    for (const [path, module] of model.namedModules()) {
      const original = module.forward;
      Object.defineProperty(module, 'forward', {
        configurable: true,
        writable: true,
        value: (input: Variable | Tensor): Variable => {
          const output = original.call(module, input);
          return hook(path, module, input, output) ?? output;
        },
      });
      wrapped.push(module);
    }
    return run();
  } finally {
    for (const module of wrapped) Reflect.deleteProperty(module, 'forward');
  }
}

/** Modules without children: the ones that compute (containers only route). */
export function isLeaf(module: Module): boolean {
  return module.children().length === 0;
}

export interface VolatileState {
  buffers: [string, Tensor][];
  points: [string, QuantizationPointState][];
  extra: [string, unknown][];
}

export function captureVolatileState(model: Module): VolatileState {
  return {
    buffers: model.namedBuffers(),
    points: quantizationPoints(model).map(({ layer, role, point }) => [`${layer}:${role}`, structuredClone(point.state())]),
    extra: model
      .namedModules()
      .map(([path, module]): [string, unknown] => [path, module.extraState()])
      .filter(([, state]) => state !== undefined)
      .map(([path, state]) => [path, structuredClone(state)]),
  };
}

export function restoreVolatileState(model: Module, state: VolatileState): void {
  for (const [name, value] of state.buffers) {
    const cut = name.lastIndexOf('.');
    const owner = cut < 0 ? model : model.module(name.slice(0, cut));
    owner.setBuffer(cut < 0 ? name : name.slice(cut + 1), value);
  }
  const points = new Map(quantizationPoints(model).map(({ layer, role, point }) => [`${layer}:${role}`, point]));
  for (const [name, pointState] of state.points) points.get(name)?.loadState(structuredClone(pointState));
  for (const [path, extra] of state.extra) model.module(path).loadExtraState(structuredClone(extra));
}
