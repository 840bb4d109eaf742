/**
 * State dicts: a module tree's state as plain data, keyed by dotted names, for checkpoints and for
 * moving weights between models. Values are float32 copies (Float32Array; number arrays are
 * accepted on load, so a JSON round trip with Array.from works). A parameter stored in a format
 * records the format's canonical name and plain-data spec, its rounding and its stochastic stream
 * position, so a no-master-copy run resumes bit for bit; quantization points record their state
 * (step, stream positions, dynamic offsets) for the same reason.
 *
 * Loading checks everything before it changes anything: keys (strict by default, PyTorch's rule),
 * shapes, dtypes and storage formats. A failed load leaves the model as it was.
 */
import { tensor, formatShape, type Tensor } from '@lowbit/tensor';
import type { Rounding } from '@lowbit/formats';
import type { QuantizationPointState } from '@lowbit/autograd';
import { StateDictError, listForMessage } from './errors.js';
import type { Module } from './module.js';
import type { PointRole } from './quantization/spec.js';

export interface ParameterStorageState {
  /** Canonical format name (parseFormat(name) rebuilds it). */
  format: string;
  /** The format's plain-data spec. */
  spec: unknown;
  rounding: Rounding;
  /** Position of the parameter's stochastic-rounding stream. */
  streamPosition: number;
}

export interface ParameterState {
  shape: number[];
  values: Float32Array | ArrayLike<number>;
  /** Absent for float32 parameters. */
  storage?: ParameterStorageState;
  /** How many times the parameter was assigned (optimizer updates). */
  updates?: number;
}

export interface BufferState {
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array | ArrayLike<number>;
}

export interface StateDict {
  parameters: Record<string, ParameterState>;
  buffers: Record<string, BufferState>;
  /** Quantization point states by `<layer path>.<role>`. */
  quantization: Record<string, QuantizationPointState>;
  /** Module extra state (dropout streams, ...) by module path ('' is the root). */
  extra: Record<string, unknown>;
}

export interface LoadStateDictOptions {
  /** Keys must match exactly (default true). Shapes, dtypes and formats are always checked. */
  strict?: boolean;
  /**
   * A parameter whose storage format differs from the saved one: 'error' (default), or 'round'
   * to round the saved values into the model's format (load a float32 run into a stored model).
   */
  formatMismatch?: 'error' | 'round';
}

export interface LoadStateDictReport {
  /** "parameters:fc1.weight" style keys the model has and the state dict lacks (non-strict loads). */
  missing: string[];
  unexpected: string[];
}

function pointKey(path: string, role: PointRole): string {
  return path === '' ? role : `${path}.${role}`;
}

/** The state of a module tree. */
export function stateDictOf(module: Module): StateDict {
  const state: StateDict = { parameters: {}, buffers: {}, quantization: {}, extra: {} };
  for (const [name, parameter] of module.namedParameters()) {
    const entry: ParameterState = { shape: [...parameter.shape], values: parameter.value.data() as Float32Array, updates: parameter.updates };
    const format = parameter.format;
    if (format !== undefined) {
      entry.storage = { format: format.name, spec: structuredClone(format.spec), rounding: parameter.rounding, streamPosition: parameter.streamPosition };
    }
    state.parameters[name] = entry;
  }
  for (const [name, value] of module.namedBuffers()) {
    state.buffers[name] = { shape: [...value.shape], dtype: value.dtype, values: value.data() };
  }
  for (const [path, child] of module.namedModules()) {
    for (const role of child.quantizationPointRoles()) state.quantization[pointKey(path, role)] = structuredClone(child.quantizationPoint(role)!.state());
    const extra = child.extraState();
    if (extra !== undefined) state.extra[path] = structuredClone(extra);
  }
  return state;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return Array.isArray(b) && a.length === b.length && a.every((d, i) => d === b[i]);
}

function checkValues(key: string, entry: { shape: number[]; values: ArrayLike<number> }, expected: readonly number[], mismatched: string[]): void {
  if (!sameShape(expected, entry.shape)) {
    mismatched.push(`${key}: shape ${formatShape(entry.shape ?? [])} in the state dict, ${formatShape(expected)} in the model`);
    return;
  }
  const size = expected.reduce((a, b) => a * b, 1);
  if (entry.values === null || typeof entry.values !== 'object' || entry.values.length !== size) {
    mismatched.push(`${key}: ${entry.values?.length ?? 'no'} values for shape ${formatShape(expected)} (size ${size})`);
  }
}

/** Loads `state` into `module`; see LoadStateDictOptions. */
export function loadStateDictInto(module: Module, state: StateDict, options: LoadStateDictOptions = {}): LoadStateDictReport {
  const strict = options.strict ?? true;
  const formatMismatch = options.formatMismatch ?? 'error';
  if (state === null || typeof state !== 'object' || typeof state.parameters !== 'object' || state.parameters === null) {
    throw new StateDictError(`${module.label}: loadStateDict needs what stateDict() returns ({ parameters, buffers, quantization, extra }), got ${typeof state}`);
  }
  const savedParameters = state.parameters;
  const savedBuffers = state.buffers ?? {};
  const savedPoints = state.quantization ?? {};
  const savedExtra = state.extra ?? {};
  const missing: string[] = [];
  const unexpected: string[] = [];
  const mismatched: string[] = [];

  const parameters = new Map(module.namedParameters());
  const buffers = new Map(module.namedBuffers());
  const points = new Map<string, { module: Module; role: PointRole }>();
  const extras = new Map<string, Module>();
  for (const [path, child] of module.namedModules()) {
    for (const role of child.quantizationPointRoles()) points.set(pointKey(path, role), { module: child, role });
    if (child.extraState() !== undefined) extras.set(path, child);
  }
  const compareKeys = (section: string, model: Iterable<string>, saved: object) => {
    const savedKeys = new Set(Object.keys(saved));
    for (const key of model) if (!savedKeys.delete(key)) missing.push(`${section}:${key}`);
    for (const key of savedKeys) unexpected.push(`${section}:${key}`);
  };
  compareKeys('parameters', parameters.keys(), savedParameters);
  compareKeys('buffers', buffers.keys(), savedBuffers);
  compareKeys('quantization', points.keys(), savedPoints);
  compareKeys('extra', extras.keys(), savedExtra);

  for (const [name, parameter] of parameters) {
    const entry = savedParameters[name];
    if (entry === undefined) continue;
    checkValues(`parameters:${name}`, entry, parameter.shape, mismatched);
    const savedFormat = entry.storage?.format ?? 'float32';
    const modelFormat = parameter.format?.name ?? 'float32';
    if (savedFormat !== modelFormat && formatMismatch === 'error') {
      mismatched.push(`parameters:${name}: stored in ${savedFormat} in the state dict, ${modelFormat} in the model (pass { formatMismatch: 'round' } to round the values into the model's format)`);
    }
  }
  for (const [name, value] of buffers) {
    const entry = savedBuffers[name];
    if (entry === undefined) continue;
    checkValues(`buffers:${name}`, entry, value.shape, mismatched);
    if (entry.dtype !== value.dtype) mismatched.push(`buffers:${name}: dtype ${entry.dtype} in the state dict, ${value.dtype} in the model`);
  }
  if (mismatched.length > 0) {
    throw new StateDictError(`${module.label}: the state dict does not fit the model: ${listForMessage(mismatched, 6)}`, missing, unexpected, mismatched);
  }
  if (strict && (missing.length > 0 || unexpected.length > 0)) {
    throw new StateDictError(
      `${module.label}: the state dict's keys do not match the model: missing ${listForMessage(missing)}; unexpected ${listForMessage(unexpected)}. ` +
        'Build the model with the same layers and quantization plan, or pass { strict: false } to load the keys both have',
      missing,
      unexpected,
    );
  }

  for (const [name, parameter] of parameters) {
    const entry = savedParameters[name];
    if (entry === undefined) continue;
    const sameFormat = (entry.storage?.format ?? 'float32') === (parameter.format?.name ?? 'float32');
    // Saved values of the same format are representable already; nearest rounding leaves them
    // unchanged and does not consume the stochastic stream, whose position is restored below.
    parameter.assign(tensor(Float32Array.from(entry.values), entry.shape, { backend: parameter.value.backend }), { rounding: sameFormat ? 'nearest-even' : parameter.rounding });
    if (sameFormat && entry.storage !== undefined) parameter.streamPosition = entry.storage.streamPosition;
    if (entry.updates !== undefined) parameter.updates = entry.updates;
  }
  for (const [name, value] of buffers) {
    const entry = savedBuffers[name];
    if (entry === undefined) continue;
    const values = value.dtype === 'int32' ? Int32Array.from(entry.values) : Float32Array.from(entry.values);
    setBufferAt(module, name, tensor(values, entry.shape, { dtype: value.dtype, backend: value.backend }) as Tensor);
  }
  for (const [key, { module: owner, role }] of points) {
    if (savedPoints[key] !== undefined) owner.quantizationPoint(role)!.loadState(structuredClone(savedPoints[key]));
  }
  for (const [path, owner] of extras) {
    if (path in savedExtra) owner.loadExtraState(structuredClone(savedExtra[path]));
  }
  return { missing, unexpected };
}

function setBufferAt(root: Module, name: string, value: Tensor): void {
  const cut = name.lastIndexOf('.');
  const owner = cut < 0 ? root : root.module(name.slice(0, cut));
  owner.setBuffer(cut < 0 ? name : name.slice(cut + 1), value);
}

