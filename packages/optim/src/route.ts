/**
 * routeBy: one optimizer per group of parameters, as a BNN needs (binary weights to Bop, batch-norm
 * scales and shifts to Adam; Larq's CaseOptimizer). Unlike Larq there is no silent default: every
 * parameter must be claimed by exactly one route, and a parameter claimed by several routes or by
 * none is a RouteError that lists all of them, because a parameter that is quietly not trained,
 * or trained twice per step, is a bug that otherwise shows up only as a worse accuracy
 * (docs/decisions/0011).
 */
import type { Parameter } from '@lowbit/autograd';
import { ArgumentError } from '@lowbit/tensor';
import { OptimizerStateError, RouteError, shown } from './errors.js';
import type { Optimizer, OptimizerCheckpoint, OptimizerDefinition, StateMemoryRow } from './optimizer.js';
import { isBinaryParameter, nameParameters, parameterFormatKind, type NamedParameter, type ParameterInput } from './parameters.js';
import { totalsOf, type OptimizerStatistics } from './statistics.js';

/**
 * Which parameters a route takes: 'binary' (stored in a binary format), 'non-binary', 'all', a
 * format kind ({ formatKind: 'float32' | 'float' | 'fixed' | 'binary' | 'scaled' | 'block' }),
 * names ({ names: /bn/ } or a list), or a predicate of the parameter and its name.
 */
export type RouteSelector =
  | 'binary'
  | 'non-binary'
  | 'all'
  | { formatKind: string }
  | { names: RegExp | readonly string[] }
  | ((parameter: Parameter, name: string) => boolean);

export interface Route {
  /** Shown in errors and statistics. Default: the optimizer's kind (numbered when repeated). */
  name?: string;
  select: RouteSelector;
  optimizer: OptimizerDefinition;
}

export interface RouteByOptions {
  routes: readonly Route[];
}

function selectorFunction(selector: RouteSelector, field: string): (parameter: Parameter, name: string) => boolean {
  if (typeof selector === 'function') return selector;
  if (selector === 'binary') return (p) => isBinaryParameter(p);
  if (selector === 'non-binary') return (p) => !isBinaryParameter(p);
  if (selector === 'all') return () => true;
  if (selector !== null && typeof selector === 'object') {
    if ('formatKind' in selector && typeof selector.formatKind === 'string') return (p) => parameterFormatKind(p) === selector.formatKind;
    if ('names' in selector) {
      const names = selector.names;
      if (names instanceof RegExp) return (_, name) => names.test(name);
      if (Array.isArray(names)) return (_, name) => names.includes(name);
    }
  }
  throw new ArgumentError('routeBy', field, shown(selector), "'binary', 'non-binary', 'all', { formatKind }, { names } or a function (parameter, name) => boolean");
}

/** A selector as recorded configuration: functions by name, regular expressions as their source. */
function describeSelector(selector: RouteSelector): unknown {
  if (typeof selector === 'function') return `function ${selector.name || '(anonymous)'}`;
  if (typeof selector === 'object' && 'names' in selector) return { names: selector.names instanceof RegExp ? String(selector.names) : [...selector.names] };
  return selector;
}

export function routeBy(options: RouteByOptions): OptimizerDefinition {
  const op = 'routeBy';
  const routes = options?.routes;
  if (!Array.isArray(routes) || routes.length === 0) throw new ArgumentError(op, 'routes', routes, 'a non-empty array of { name?, select, optimizer }');
  const kinds = routes.map((route, i) => {
    if (route === null || typeof route !== 'object' || typeof route.optimizer?.create !== 'function') {
      throw new ArgumentError(op, `routes[${i}].optimizer`, shown(route?.optimizer), 'an optimizer definition: sgd({...}), adam({...}), bop({...})');
    }
    return route.optimizer.kind;
  });
  const names = routes.map((route, i) => route.name ?? (kinds.filter((k) => k === kinds[i]).length > 1 ? `${kinds[i]}${i}` : kinds[i]));
  if (new Set(names).size !== names.length) throw new ArgumentError(op, 'routes[].name', names, 'distinct route names');
  const selectors = routes.map((route, i) => selectorFunction(route.select, `routes[${i}].select`));
  const config = Object.freeze({
    routes: routes.map((route, i) => ({ name: names[i], select: describeSelector(route.select), optimizer: { kind: kinds[i], ...route.optimizer.config } })),
  });

  function create(parameters: ParameterInput): Optimizer {
    const named = nameParameters(parameters, op);
    const groups: NamedParameter[][] = routes.map(() => []);
    const claimedTwice = new Map<string, string[]>();
    const unclaimed: string[] = [];
    for (const entry of named) {
      const claims = selectors.flatMap((select, i) => (select(entry.parameter, entry.name) ? [i] : []));
      if (claims.length === 0) unclaimed.push(entry.name);
      else if (claims.length > 1) claimedTwice.set(entry.name, claims.map((i) => names[i]));
      else groups[claims[0]].push(entry);
    }
    if (claimedTwice.size > 0 || unclaimed.length > 0) throw new RouteError(claimedTwice, unclaimed, names);
    return new RoutedOptimizer(named, names, routes.map((route, i) => route.optimizer.create(groups[i])));
  }

  return { kind: 'route', config, create };
}

class RoutedOptimizer implements Optimizer {
  readonly kind = 'route';
  stepCount = 0;

  constructor(
    readonly parameters: readonly NamedParameter[],
    private readonly names: readonly string[],
    private readonly children: readonly Optimizer[],
  ) {}

  step(): void {
    for (const child of this.children) child.step();
    this.stepCount++;
  }

  zeroGrad(): void {
    for (const child of this.children) child.zeroGrad();
  }

  stateMemory(): StateMemoryRow[] {
    return this.children.flatMap((child) => child.stateMemory());
  }

  stateBytes(): number {
    return this.children.reduce((total, child) => total + child.stateBytes(), 0);
  }

  statistics(): OptimizerStatistics | undefined {
    const routes: Record<string, OptimizerStatistics> = {};
    const hyperparameters: Record<string, number> = {};
    this.children.forEach((child, i) => {
      const record = child.statistics();
      if (record === undefined) return;
      routes[this.names[i]] = record;
      for (const [key, value] of Object.entries(record.hyperparameters)) hyperparameters[`${this.names[i]}.${key}`] = value;
    });
    const records = Object.values(routes);
    if (records.length === 0) return undefined;
    const parameters = records.flatMap((record) => record.parameters);
    return { optimizer: 'route', step: this.stepCount - 1, hyperparameters, parameters, totals: totalsOf(parameters), routes };
  }

  readState(parameter: string, slot: string): Float32Array {
    const owner = this.children.find((child) => child.parameters.some((p) => p.name === parameter));
    if (owner === undefined) throw new ArgumentError('route.readState', 'parameter', parameter, this.parameters.map((p) => p.name).join(', '));
    return owner.readState(parameter, slot);
  }

  state(): OptimizerCheckpoint {
    const routes: Record<string, OptimizerCheckpoint> = {};
    this.children.forEach((child, i) => (routes[this.names[i]] = child.state()));
    return { kind: 'route', step: this.stepCount, buffers: {}, streams: {}, routes };
  }

  loadState(checkpoint: OptimizerCheckpoint): void {
    if (checkpoint?.kind !== 'route') throw new OptimizerStateError('kind', 'route', checkpoint?.kind);
    const given = Object.keys(checkpoint.routes ?? {}).sort();
    if (given.join('\n') !== [...this.names].sort().join('\n')) throw new OptimizerStateError('routes', this.names, given);
    this.children.forEach((child, i) => child.loadState((checkpoint.routes as Record<string, OptimizerCheckpoint>)[this.names[i]]));
    this.stepCount = checkpoint.step;
  }
}
