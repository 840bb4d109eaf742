/**
 * Module: the base of every layer and model. A module owns named parameters (trainable leaves),
 * buffers (state that is saved but not trained, such as batch-norm running statistics) and named
 * child modules, in registration order, so every parameter has a stable dotted name
 * ("features.0.weight") for optimizers, state dicts and reports.
 *
 * Subclasses implement `compute(x)`; the public `forward(x)` wraps it with the module's `inputs`
 * and `outputs` quantization points, so every module can round what enters and leaves it (and the
 * error flowing back) without a parallel Quant* class. Layers with weights also round W and G
 * through the `weights` point (see quantizeWeights).
 */
import { ArgumentError, ShapeError, Tensor, formatShape } from '@lowbit/tensor';
import { Parameter, Variable, variable, type Input, type QuantizationPoint } from '@lowbit/autograd';
import { ModuleError } from './errors.js';
import { LayerQuantizer } from './quantization/layer-quantizer.js';
import { ACTIVATION_ROLES, type LayerQuantization, type PointRole, type QuantizationRole } from './quantization/spec.js';
import { loadStateDictInto, stateDictOf, type LoadStateDictOptions, type LoadStateDictReport, type StateDict } from './state-dict.js';
import { storageOptions, type ParameterStorage } from './storage.js';

/** Options every module takes. */
export interface ModuleOptions {
  /** Per-role quantization of this module (see LayerQuantization). */
  quantization?: LayerQuantization;
}

const NAME = /^[A-Za-z0-9_]+$/;

export abstract class Module {
  /** Training mode (default) or evaluation mode; see train() / eval(). */
  training = true;
  private readonly parameterTable = new Map<string, Parameter>();
  private readonly bufferTable = new Map<string, Tensor>();
  private readonly moduleTable = new Map<string, Module>();
  private parentModule: Module | undefined;
  private nameInParent: string | undefined;
  private substitutes: Map<string, Variable> | undefined;
  private readonly quantizer = new LayerQuantizer();

  constructor(options: ModuleOptions = {}) {
    if (options === null || typeof options !== 'object') throw new ArgumentError(this.type, 'options', options, 'an options object');
    // quantizationRoles and type are prototype getters, so they already answer for the subclass.
    if (options.quantization !== undefined) this.quantizer.set(options.quantization, this.label, this.quantizationRoles);
  }

  /** The layer type used by plans and messages ('Linear', 'Conv2d', ...). */
  get type(): string {
    return this.constructor.name;
  }

  /** The roles this module can quantize: inputs, outputs and errors; layers with weights add weights and weightGradients. */
  get quantizationRoles(): readonly QuantizationRole[] {
    return ACTIVATION_ROLES;
  }

  /** Dotted path from the root of the tree ('' for the root). */
  get path(): string {
    if (this.parentModule === undefined || this.nameInParent === undefined) return '';
    const parentPath = this.parentModule.path;
    return parentPath === '' ? this.nameInParent : `${parentPath}.${this.nameInParent}`;
  }

  /** `Linear "fc1"` (or just the type at the root): how messages name this module. */
  get label(): string {
    const path = this.path;
    return path === '' ? this.type : `${this.type} ${JSON.stringify(path)}`;
  }

  /** The computation of the module, on a Variable. Called by `forward`. */
  protected abstract compute(input: Variable): Variable;

  /**
   * Runs the module: rounds the input through the `inputs` point, computes, and rounds the result
   * through the `outputs` point (whose backward side rounds the error). A Tensor input is a constant.
   */
  forward(input: Input): Variable {
    let x: Variable;
    if (input instanceof Variable) x = input;
    else if (input instanceof Tensor) x = variable(input);
    else throw new ArgumentError(this.label, 'input', input, 'a Variable or a Tensor');
    const inputs = this.quantizationPoint('inputs');
    if (inputs !== undefined) x = inputs.apply(x);
    const y = this.compute(x);
    const outputs = this.quantizationPoint('outputs');
    return outputs === undefined ? y : outputs.apply(y);
  }

  // ---- registration ----------------------------------------------------------------------

  private checkName(kind: string, name: string): void {
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new ModuleError(`${this.label}: invalid ${kind} name ${JSON.stringify(name)}: use letters, digits and _ (dots separate levels of the tree)`);
    }
    if (this.parameterTable.has(name) || this.bufferTable.has(name) || this.moduleTable.has(name)) {
      throw new ModuleError(`${this.label}: the name ${JSON.stringify(name)} is already taken by a parameter, buffer or child module`);
    }
  }

  /**
   * Registers a trainable parameter with the given initial value, stored in float32 (a master
   * copy) or, with `storage`, only in that format. `seed` keys the storage's default stream.
   */
  protected addParameter(name: string, value: Tensor, options: { storage?: ParameterStorage; seed?: number; field?: string } = {}): Parameter {
    this.checkName('parameter', name);
    const parameterOptions = storageOptions(this.type, options.field ?? `${name}Storage`, options.storage, options.seed ?? 0, name);
    const parameter = new Parameter(value, parameterOptions);
    this.parameterTable.set(name, parameter);
    return parameter;
  }

  /** Registers an existing parameter (shared weights): it keeps its own name and format. */
  protected registerParameter(name: string, parameter: Parameter): Parameter {
    this.checkName('parameter', name);
    if (!(parameter instanceof Parameter)) throw new ArgumentError(this.type, name, parameter, 'a Parameter');
    this.parameterTable.set(name, parameter);
    return parameter;
  }

  /** Registers a buffer: saved in the state dict, not trained. */
  protected addBuffer(name: string, value: Tensor): void {
    this.checkName('buffer', name);
    this.bufferTable.set(name, value);
  }

  /** Replaces a buffer's value; the shape and dtype must stay. */
  setBuffer(name: string, value: Tensor): void {
    const current = this.bufferTable.get(name);
    if (current === undefined) throw new ModuleError(`${this.label}: no buffer ${JSON.stringify(name)} (buffers: ${[...this.bufferTable.keys()].join(', ') || 'none'})`);
    if (!(value instanceof Tensor) || value.dtype !== current.dtype || value.shape.length !== current.shape.length || value.shape.some((d, i) => d !== current.shape[i])) {
      const got = value instanceof Tensor ? `${value.dtype} ${formatShape(value.shape)}` : String(value);
      throw new ShapeError(`${this.label}: buffer ${JSON.stringify(name)} is ${current.dtype} ${formatShape(current.shape)} but the new value is ${got}; a buffer keeps its shape and dtype`, [current.shape]);
    }
    this.bufferTable.set(name, value);
  }

  /** A buffer's current value. */
  buffer(name: string): Tensor {
    const value = this.bufferTable.get(name);
    if (value === undefined) throw new ModuleError(`${this.label}: no buffer ${JSON.stringify(name)} (buffers: ${[...this.bufferTable.keys()].join(', ') || 'none'})`);
    return value;
  }

  /** Registers a child module under `name` and returns it. A module has one place in one tree. */
  protected addModule<M extends Module>(name: string, module: M): M {
    this.checkName('module', name);
    if (!(module instanceof Module)) throw new ArgumentError(this.label, name, module, 'a Module');
    if (module.parentModule !== undefined) {
      throw new ModuleError(`${this.label}: cannot add ${module.label} as ${JSON.stringify(name)}: it is already a child; a module has one place in the tree (use it twice in compute, or share its parameters)`);
    }
    if (this.isWithin(module)) throw new ModuleError(`${this.label}: cannot add ${module.label} as ${JSON.stringify(name)}: it would contain itself`);
    module.parentModule = this;
    module.nameInParent = name;
    this.moduleTable.set(name, module);
    return module;
  }

  private isWithin(module: Module): boolean {
    return this === module || (this.parentModule?.isWithin(module) ?? false);
  }

  /** The value a computation uses for a parameter: the parameter, or a substitute during functionalCall. */
  protected use(name: string): Variable {
    const value = this.substitutes?.get(name) ?? this.parameterTable.get(name);
    if (value === undefined) throw new ModuleError(`${this.label}: no parameter ${JSON.stringify(name)}`);
    return value;
  }

  /** Rounds a weight through the `weights` point (W forward, G backward); unchanged without one. */
  protected quantizeWeights(weight: Variable): Variable {
    const point = this.quantizationPoint('weights');
    return point === undefined ? weight : point.apply(weight);
  }

  // ---- traversal -------------------------------------------------------------------------

  /** Direct children, in registration order. */
  children(): [string, Module][] {
    return [...this.moduleTable];
  }

  /** This module ('' or `prefix`) and every descendant, depth first in registration order. */
  namedModules(prefix = ''): [string, Module][] {
    const result: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.moduleTable) result.push(...child.namedModules(prefix === '' ? name : `${prefix}.${name}`));
    return result;
  }

  /** Every parameter with its dotted name; a parameter shared by several modules appears once. */
  namedParameters(): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const result: [string, Parameter][] = [];
    for (const [path, module] of this.namedModules()) {
      for (const [name, parameter] of module.parameterTable) {
        if (seen.has(parameter)) continue;
        seen.add(parameter);
        result.push([path === '' ? name : `${path}.${name}`, parameter]);
      }
    }
    return result;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, parameter]) => parameter);
  }

  /** Every buffer with its dotted name. */
  namedBuffers(): [string, Tensor][] {
    const result: [string, Tensor][] = [];
    for (const [path, module] of this.namedModules()) {
      for (const [name, value] of module.bufferTable) result.push([path === '' ? name : `${path}.${name}`, value]);
    }
    return result;
  }

  /** This module's own parameters (not its children's), by local name. */
  ownParameters(): [string, Parameter][] {
    return [...this.parameterTable];
  }

  /** This module's own buffer names. */
  ownBufferNames(): string[] {
    return [...this.bufferTable.keys()];
  }

  /** The descendant at a dotted path ('' is this module). */
  module(path: string): Module {
    if (path === '') return this;
    return path.split('.').reduce<Module>((module, part) => {
      const child = module.moduleTable.get(part);
      if (child === undefined) {
        throw new ModuleError(`${this.label}: no module ${JSON.stringify(path)}: ${module.label} has children ${[...module.moduleTable.keys()].join(', ') || '(none)'}`);
      }
      return child;
    }, this);
  }

  // ---- modes and gradients ---------------------------------------------------------------

  /** Sets training mode (default true) on this module, its descendants and their quantization points. */
  train(mode = true): this {
    for (const [, module] of this.namedModules()) {
      module.training = mode;
      module.quantizer.setTraining(mode);
    }
    return this;
  }

  /** Evaluation mode: batch norm uses running statistics, dropout passes values, points record nothing. */
  eval(): this {
    return this.train(false);
  }

  /** Forgets every parameter's accumulated gradient. */
  zeroGrad(): void {
    for (const parameter of this.parameters()) parameter.zeroGrad();
  }

  // ---- quantization ----------------------------------------------------------------------

  /** This module's quantization spec (undefined: none). */
  get quantization(): LayerQuantization | undefined {
    return this.quantizer.quantization;
  }

  /** Replaces this module's quantization (undefined removes it); the points start afresh. */
  setQuantization(quantization: LayerQuantization | undefined): void {
    this.quantizer.set(quantization, this.label, this.quantizationRoles);
  }

  /** The point of a role under the current spec (built on first use, named `<path>.<role>`). */
  quantizationPoint(role: PointRole): QuantizationPoint | undefined {
    return this.quantizer.point(role, `${this.path === '' ? this.type : this.path}.${role}`, this.training);
  }

  /** The point roles this module has under its spec. */
  quantizationPointRoles(): PointRole[] {
    return this.quantizer.pointRoles();
  }

  // ---- state -------------------------------------------------------------------------------

  /** Plain-data state: parameters, buffers, quantization point states and extra state. See StateDict. */
  stateDict(): StateDict {
    return stateDictOf(this);
  }

  /** Loads a state dict (strict by default: the keys must match exactly). */
  loadStateDict(state: StateDict, options?: LoadStateDictOptions): LoadStateDictReport {
    return loadStateDictInto(this, state, options);
  }

  /** State outside parameters and buffers (a dropout stream position); JSON-safe. Default none. */
  extraState(): unknown {
    return undefined;
  }

  /** Restores what extraState() returned. */
  loadExtraState(_state: unknown): void {}

  /** @internal functionalCall: computations use `values` instead of these parameters until cleared. */
  setSubstitutes(values: Map<string, Variable> | undefined): void {
    this.substitutes = values;
  }

  /** One line describing this module's configuration (its constructor arguments). */
  protected describe(): string {
    return '';
  }

  /** The tree, PyTorch style: `Sequential(\n  (0): Linear(inFeatures=4, ...)\n)`. */
  toString(): string {
    const roles = this.quantizationPointRoles();
    const quantized = roles.length === 0 ? '' : ` [quantized: ${roles.join(', ')}]`;
    const head = `${this.type}(${this.describe()})${quantized}`;
    if (this.moduleTable.size === 0) return head;
    const lines = [...this.moduleTable].map(([name, child]) => `  (${name}): ${child.toString().split('\n').join('\n  ')}`);
    return `${head.slice(0, head.indexOf('(') + 1)}\n${lines.join('\n')}\n)${quantized}`;
  }
}
