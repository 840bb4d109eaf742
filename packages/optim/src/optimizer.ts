/**
 * The optimizer contract and the machinery every update rule shares: parameter contexts, state
 * buffers in their storage, the gradient rounding point, statistics, memory accounting and
 * checkpoints. An update rule (sgd.ts, adam.ts, bop.ts) only says how one parameter is updated.
 *
 * Definitions and optimizers are separate (as in optax): `sgd({ ... })` is a definition, plain
 * configuration that can be recorded and routed; `definition.create(parameters)` binds it to
 * parameters and owns their state (docs/decisions/0011).
 */
import type { Parameter } from '@lowbit/autograd';
import { ArgumentError } from '@lowbit/tensor';
import { OptimizerStateError } from './errors.js';
import { nameParameters, type NamedParameter, type ParameterInput } from './parameters.js';
import { RoundingPoint, resolvePoint, type ResolvedPoint, type RoundingPointOption } from './points.js';
import { StateBuffer, resolveStorage, type BufferState, type ResolvedStorage, type StorageOption } from './storage.js';
import { totalsOf, type OptimizerStatistics, type ParameterStatistics } from './statistics.js';

export interface Optimizer {
  readonly kind: string;
  readonly parameters: readonly NamedParameter[];
  /** Steps taken so far; the next step has this index (schedules are evaluated at it). */
  readonly stepCount: number;
  /** Updates every parameter that has a gradient from its `grad`. */
  step(): void;
  /** Forgets the gradients of all parameters (call before each backward pass). */
  zeroGrad(): void;
  /** Bytes of all state buffers, measured from the buffers themselves. */
  stateBytes(): number;
  /** One row per state buffer. */
  stateMemory(): StateMemoryRow[];
  /** The latest step's statistics (undefined before the first step). */
  statistics(): OptimizerStatistics | undefined;
  /** The stored values of one state buffer (decoded), e.g. readState('fc1.weight', 'momentum'). */
  readState(parameter: string, slot: string): Float32Array;
  /** Checkpoint of the state: buffers (as stored bytes), stream positions, the step count. */
  state(): OptimizerCheckpoint;
  loadState(checkpoint: OptimizerCheckpoint): void;
}

export interface OptimizerDefinition {
  readonly kind: string;
  /** The options as given (schedules as specs; formats by name): for recorded configurations. */
  readonly config: Readonly<Record<string, unknown>>;
  create(parameters: ParameterInput): Optimizer;
}

export interface StateMemoryRow {
  parameter: string;
  slot: string;
  storage: string;
  bitsPerValue: number;
  elements: number;
  /** Bytes of the buffer: 4 n for float32, exactly ceil(bits n / 8) for packed codes. */
  bytes: number;
}

export interface OptimizerCheckpoint {
  kind: string;
  step: number;
  buffers: Record<string, BufferState>;
  /** Stream positions of the rounding points ("<parameter>/gradient", ...). */
  streams: Record<string, number>;
  routes?: Record<string, OptimizerCheckpoint>;
}

/** Options every optimizer takes. */
export interface CommonOptions {
  /** Storage of every state buffer: 'float32' (default) or a format (packed codes). */
  state?: StorageOption;
  /** Per-slot storage, overriding `state` ('momentum', 'firstMoment', 'secondMoment', 'master'). */
  stateSlots?: Readonly<Record<string, StorageOption>>;
  /** Round each gradient into this format before the update rule sees it (QPyTorch's grad_quant). */
  gradient?: RoundingPointOption;
  /** Key of every stochastic-rounding stream of this optimizer (non-negative safe integer). Default 0. */
  seed?: number;
  /** Count lost updates and Gavg (costs a pass over the weights). Default true. */
  statistics?: boolean;
}

export interface ResolvedCommon {
  state: ResolvedStorage;
  stateSlots: Record<string, ResolvedStorage>;
  gradient: ResolvedPoint | undefined;
  seed: number;
  statistics: boolean;
}

export function resolveCommon(op: string, options: CommonOptions, slots: readonly string[]): ResolvedCommon {
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) throw new ArgumentError(op, 'seed', seed, 'a non-negative safe integer');
  const state = resolveStorage(op, 'state', options.state);
  const stateSlots: Record<string, ResolvedStorage> = {};
  for (const [slot, storage] of Object.entries(options.stateSlots ?? {})) {
    if (!slots.includes(slot)) throw new ArgumentError(op, 'stateSlots', slot, slots.map((s) => JSON.stringify(s)).join(', '), `${op} keeps no state called ${JSON.stringify(slot)}`);
    stateSlots[slot] = resolveStorage(op, `stateSlots.${slot}`, storage);
  }
  const statistics = options.statistics ?? true;
  if (typeof statistics !== 'boolean') throw new ArgumentError(op, 'statistics', statistics, 'true or false');
  return { state, stateSlots, gradient: resolvePoint(op, 'gradient', options.gradient), seed, statistics };
}

/** Everything an update rule needs about one parameter. */
export interface ParameterContext {
  readonly name: string;
  readonly parameter: Parameter;
  readonly shape: readonly number[];
  readonly size: number;
  readonly buffers: Map<string, StateBuffer>;
  readonly points: Map<string, RoundingPoint>;
}

export abstract class BaseOptimizer implements Optimizer {
  readonly parameters: readonly NamedParameter[];
  stepCount = 0;
  protected readonly contexts: ParameterContext[];
  private latest: OptimizerStatistics | undefined;

  constructor(
    readonly kind: string,
    parameters: ParameterInput,
    protected readonly common: ResolvedCommon,
  ) {
    this.parameters = nameParameters(parameters, kind);
    this.contexts = this.parameters.map(({ name, parameter }) => {
      const context: ParameterContext = { name, parameter, shape: parameter.shape, size: parameter.size, buffers: new Map(), points: new Map() };
      if (common.gradient) context.points.set('gradient', new RoundingPoint(`${name}/gradient`, common.gradient, common.seed));
      return context;
    });
  }

  /** Adds a state buffer (zeros unless `initial`) in the storage configured for its slot. */
  protected addBuffer(context: ParameterContext, slot: string, storage?: ResolvedStorage, initial?: Float32Array): StateBuffer {
    const resolved = storage ?? this.common.stateSlots[slot] ?? this.common.state;
    const buffer = new StateBuffer(`${context.name}/${slot}`, context.size, resolved, this.common.seed, initial);
    context.buffers.set(slot, buffer);
    return buffer;
  }

  /** The hyperparameters of step `step` (schedules evaluated), computed once per step. */
  protected abstract hyperparameters(step: number): Record<string, number>;

  /** Updates one parameter from its (already rounded) gradient; returns its statistics. */
  protected abstract updateParameter(context: ParameterContext, gradient: Float32Array, step: number, hyper: Record<string, number>): ParameterStatistics;

  step(): void {
    const step = this.stepCount;
    const hyper = this.hyperparameters(step);
    const records: ParameterStatistics[] = [];
    for (const context of this.contexts) {
      const grad = context.parameter.grad;
      if (grad === null) {
        records.push({ name: context.name, elements: context.size, skipped: true, state: [] });
        continue;
      }
      const gradient = grad.data() as Float32Array;
      context.points.get('gradient')?.apply(gradient, context.shape);
      records.push(this.updateParameter(context, gradient, step, hyper));
    }
    this.stepCount++;
    this.latest = { optimizer: this.kind, step, hyperparameters: hyper, parameters: records, totals: totalsOf(records) };
  }

  zeroGrad(): void {
    for (const { parameter } of this.parameters) parameter.zeroGrad();
  }

  stateMemory(): StateMemoryRow[] {
    return this.contexts.flatMap((context) =>
      [...context.buffers].map(([slot, buffer]) => ({
        parameter: context.name,
        slot,
        storage: buffer.storage.name,
        bitsPerValue: buffer.storage.bits,
        elements: buffer.count,
        bytes: buffer.bytes,
      })),
    );
  }

  stateBytes(): number {
    return this.stateMemory().reduce((total, row) => total + row.bytes, 0);
  }

  statistics(): OptimizerStatistics | undefined {
    return this.latest;
  }

  readState(parameter: string, slot: string): Float32Array {
    const context = this.contexts.find((c) => c.name === parameter);
    const buffer = context?.buffers.get(slot);
    if (context === undefined || buffer === undefined) {
      const known = this.contexts.flatMap((c) => [...c.buffers.keys()].map((s) => `${c.name}/${s}`));
      throw new ArgumentError(`${this.kind}.readState`, 'parameter/slot', `${parameter}/${slot}`, known.length === 0 ? 'none (this optimizer keeps no state)' : known.join(', '));
    }
    return buffer.read();
  }

  state(): OptimizerCheckpoint {
    const buffers: Record<string, BufferState> = {};
    const streams: Record<string, number> = {};
    for (const context of this.contexts) {
      for (const buffer of context.buffers.values()) buffers[buffer.key] = buffer.state();
      for (const point of context.points.values()) streams[point.key] = point.streamPosition;
    }
    return { kind: this.kind, step: this.stepCount, buffers, streams };
  }

  loadState(checkpoint: OptimizerCheckpoint): void {
    if (checkpoint?.kind !== this.kind) throw new OptimizerStateError('kind', this.kind, checkpoint?.kind);
    const buffers = this.contexts.flatMap((context) => [...context.buffers.values()]);
    const points = this.contexts.flatMap((context) => [...context.points.values()]);
    const expected = buffers.map((b) => b.key).sort();
    const actual = Object.keys(checkpoint.buffers ?? {}).sort();
    if (expected.join('\n') !== actual.join('\n')) throw new OptimizerStateError('buffers', expected, actual);
    for (const point of points) {
      if (typeof checkpoint.streams?.[point.key] !== 'number') throw new OptimizerStateError(`streams.${point.key}`, 'a stream position', checkpoint.streams?.[point.key]);
    }
    // Everything is checked before anything is loaded, so a bad checkpoint leaves the optimizer as it was.
    for (const buffer of buffers) buffer.checkState(checkpoint.buffers[buffer.key]);
    if (!Number.isSafeInteger(checkpoint.step) || checkpoint.step < 0) throw new OptimizerStateError('step', 'a step count', checkpoint.step);
    for (const buffer of buffers) buffer.loadState(checkpoint.buffers[buffer.key]);
    for (const point of points) point.streamPosition = checkpoint.streams[point.key];
    this.stepCount = checkpoint.step;
  }
}
