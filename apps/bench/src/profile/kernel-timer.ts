/**
 * Times every kernel call of a tensor backend: `timeKernels(backend)` gives a backend that computes
 * exactly what the original does but measures each kernel call, upload and download, keyed by
 * kernel name and shapes. The original object is never modified: the wrapper owns its `kernels`
 * object (code that patches kernels, like @lowbit/training's AllocationScope, patches the wrapper's)
 * and reads everything else from the original through a Proxy, calling its methods on the original
 * (the wasm backend's `liveBytes`, which memory-pressure.ts reads through getBackend(), keeps working).
 *
 * Kernels run synchronously (the wasm backend's threads finish before a call returns), so the
 * time around a call is the kernel's time. Naming the call (building the shapes text) happens
 * outside the timed part: it counts as time outside kernels, about a microsecond per call.
 */
import type { Backend, Conv2dAttributes, KernelTensor, MatmulAttributes } from '@lowbit/tensor';

export interface KernelTiming {
  /** The kernel's name, or 'upload' / 'download' for copies into and out of backend storage. */
  kernel: string;
  kind: 'kernel' | 'transfer';
  /** Inputs of matmul and the convolutions ("64x400 @ 120x400^T"), the output of other kernels ("out 64x6x28x28"). */
  shapes: string;
  calls: number;
  milliseconds: number;
}

export interface KernelTimer {
  /** The timing backend: make it current (setBackend) for the work to be timed. */
  readonly backend: Backend;
  /** Everything timed since creation or the last reset, most time first. */
  timings(): KernelTiming[];
  reset(): void;
}

export interface KernelTimerOptions {
  /** Milliseconds now. Default performance.now; tests inject a clock. */
  clock?: () => number;
}

type AnyFunction = (...args: unknown[]) => unknown;

const CONVOLUTIONS = new Set(['conv2d', 'conv2dBackwardData', 'conv2dBackwardFilter']);

export function formatDimensions(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : shape.join('x');
}

function convolutionSettings({ stride, padding, dilation, groups }: Conv2dAttributes): string {
  const settings: string[] = [];
  if (stride.some((value) => value !== 1)) settings.push(`stride ${stride[0] === stride[1] ? stride[0] : stride.join('x')}`);
  if (padding.some((value) => value !== 0)) settings.push(`pad ${padding.every((value) => value === padding[0]) ? padding[0] : padding.join(',')}`);
  if (dilation.some((value) => value !== 1)) settings.push(`dilation ${dilation.join('x')}`);
  if (groups !== 1) settings.push(`groups ${groups}`);
  return settings.length === 0 ? '' : ` (${settings.join(', ')})`;
}

/** The shapes text of one kernel call, from its arguments (so a kernel that throws is still named). */
export function describeKernelCall(kernel: string, args: readonly unknown[]): string {
  const attributes = args.at(-1) as { outShape?: readonly number[] };
  if (kernel === 'matmul') {
    const [a, b] = args as [KernelTensor, KernelTensor, MatmulAttributes];
    const { transposeA, transposeB } = attributes as MatmulAttributes;
    return `${formatDimensions(a.shape)}${transposeA ? '^T' : ''} @ ${formatDimensions(b.shape)}${transposeB ? '^T' : ''}`;
  }
  if (CONVOLUTIONS.has(kernel)) {
    const [first, second] = args as [KernelTensor, KernelTensor];
    return `${formatDimensions(first.shape)} * ${formatDimensions(second.shape)}${convolutionSettings(attributes as Conv2dAttributes)}`;
  }
  // Every kernel but cast passes its output shape; cast keeps its input's.
  const output = attributes?.outShape ?? (args[0] as KernelTensor).shape;
  return `out ${formatDimensions(output)}`;
}

/**
 * A backend that is `original` for every property except `own`'s: assignments land on the wrapper,
 * methods of the original run bound to the original (so private state and getters still work).
 */
function forwardingBackend(original: Backend, own: Record<PropertyKey, unknown>): Backend {
  const bound = new Map<PropertyKey, { method: AnyFunction; bound: AnyFunction }>();
  const handler: ProxyHandler<Record<PropertyKey, unknown>> = {
    get(target, key) {
      if (Object.hasOwn(target, key)) return target[key];
      const value: unknown = Reflect.get(original, key, original);
      if (typeof value !== 'function') return value;
      let entry = bound.get(key);
      if (entry?.method !== value) {
        entry = { method: value as AnyFunction, bound: (value as AnyFunction).bind(original) as AnyFunction };
        bound.set(key, entry);
      }
      return entry.bound;
    },
    has: (target, key) => Object.hasOwn(target, key) || key in original,
  };
  return new Proxy(own, handler) as unknown as Backend;
}

export function timeKernels(original: Backend, options: KernelTimerOptions = {}): KernelTimer {
  const clock = options.clock ?? (() => performance.now());
  const entries = new Map<string, KernelTiming>();
  const record = (kernel: string, kind: KernelTiming['kind'], shapes: string, milliseconds: number) => {
    const key = `${kernel}\u0000${shapes}`;
    let entry = entries.get(key);
    if (entry === undefined) {
      entry = { kernel, kind, shapes, calls: 0, milliseconds: 0 };
      entries.set(key, entry);
    }
    entry.calls += 1;
    entry.milliseconds += milliseconds;
  };
  const timed = (kernel: string, kind: KernelTiming['kind'], describe: (args: unknown[]) => string, run: (args: unknown[]) => unknown) => {
    return (...args: unknown[]): unknown => {
      const started = clock();
      try {
        return run(args);
      } finally {
        const milliseconds = clock() - started;
        record(kernel, kind, describe(args), milliseconds);
      }
    };
  };

  const originalKernels = original.kernels as unknown as Record<string, unknown>;
  const kernels: Record<string, unknown> = {};
  for (const name of Object.keys(originalKernels)) {
    const kernel = originalKernels[name];
    if (typeof kernel !== 'function') {
      kernels[name] = kernel;
      continue;
    }
    kernels[name] = timed(name, 'kernel', (args) => describeKernelCall(name, args), (args) => (kernel as AnyFunction).apply(originalKernels, args));
  }
  const upload = timed('upload', 'transfer', (args) => formatDimensions(args[1] as readonly number[]), (args) => (original.upload as AnyFunction).apply(original, args));
  const download = timed('download', 'transfer', (args) => formatDimensions((args[0] as KernelTensor).shape), (args) => (original.download as AnyFunction).apply(original, args));

  return {
    backend: forwardingBackend(original, { name: original.name, kernels, upload, download }),
    timings: () => [...entries.values()].map((entry) => ({ ...entry })).sort((a, b) => b.milliseconds - a.milliseconds),
    reset: () => entries.clear(),
  };
}
