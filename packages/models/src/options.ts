/**
 * What every model function takes, and how it is resolved: `{ classes?, quantization?, seed? }`
 * plus the model's own options. Unknown keys are rejected (a misspelt `clases: 100` would
 * otherwise silently build a 10-class model).
 *
 * Seeds: a model has one seed (default: the next seed of @lowbit/nn's process-wide sequence, so
 * `manualSeed(n)` makes it reproducible and two models built in a row differ), and every layer's
 * seed is derived from it and the layer's dotted name. A layer's weights therefore depend on the
 * model seed and its name only, not on the order the builder happens to create layers in
 * (docs/decisions/0013).
 */
import { deriveSeed } from '@lowbit/autograd';
import { applyQuantization, nextSeed, type Module, type QuantizationAssignment, type LayerPlan, type LayerQuantization, type QuantizationPlan } from '@lowbit/nn';
import { ArgumentError } from '@lowbit/tensor';

/**
 * A model's quantization: what `applyQuantization(model, plan, { overrides })` takes, in one
 * object. Either a plan `{ layers?, types?, overrides? }` or one layer's roles for every layer
 * with weights (`{ weights: 'float8_e4m3fn', errors: 'float8_e5m2', overrides? }`).
 */
export type ModelQuantization = (QuantizationPlan | LayerQuantization) & {
  /** 'first', 'last', dotted names and globs, merged over the plan (see @lowbit/nn's applyQuantization). */
  overrides?: Record<string, LayerPlan>;
};

/** Options every model function takes. */
export interface ModelOptions {
  /** Outputs of the last layer. Default 10. */
  classes?: number;
  /** Applied once the model is built, merged over the model's own plan (binary layers); see README. */
  quantization?: ModelQuantization;
  /** Key of every random choice of the model. Default: the next seed of @lowbit/nn's sequence (manualSeed). */
  seed?: number;
}

/** A plan in the one shape the merge works on. */
export interface NormalizedPlan {
  layers?: LayerQuantization;
  types?: Record<string, LayerPlan>;
  overrides?: Record<string, LayerPlan>;
}

const ROLE_KEYS = ['weights', 'inputs', 'outputs', 'errors', 'weightGradients'] as const;
const PLAN_KEYS = ['layers', 'types', 'overrides'] as const;

/** Resolved common options. */
export interface ResolvedModelOptions {
  classes: number;
  seed: number;
  quantization: NormalizedPlan | undefined;
}

/** Checks `options` (an object with only `allowed` keys) and resolves the common ones. */
export function resolveModelOptions(model: string, options: unknown, allowed: readonly string[] = []): ResolvedModelOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ArgumentError(model, 'options', options, `an options object { ${['classes', 'quantization', 'seed', ...allowed].map((key) => `${key}?`).join(', ')} }`);
  }
  const known = ['classes', 'quantization', 'seed', ...allowed];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new ArgumentError(model, key, (options as Record<string, unknown>)[key], `one of the options ${known.join(', ')}`, `${JSON.stringify(key)} is not an option of ${model}`);
  }
  const { classes = 10, seed, quantization } = options as ModelOptions;
  if (!positiveInteger(classes)) throw new ArgumentError(model, 'classes', classes, 'a positive integer (the outputs of the last layer)');
  if (seed !== undefined && !(typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0)) {
    throw new ArgumentError(model, 'seed', seed, 'a non-negative safe integer', 'omit it to take the next seed of the sequence that manualSeed(n) restarts');
  }
  return { classes, seed: seed ?? nextSeed(), quantization: quantization === undefined ? undefined : normalizePlan(model, quantization) };
}

/** The seed of the layer named `name` in a model with seed `modelSeed`. */
export function layerSeed(modelSeed: number, name: string): number {
  return deriveSeed(modelSeed, name);
}

export function positiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** `{ layers?, types?, overrides? }` from either accepted shape of ModelQuantization. */
export function normalizePlan(model: string, quantization: ModelQuantization): NormalizedPlan {
  if (quantization === null || typeof quantization !== 'object' || Array.isArray(quantization)) {
    throw new ArgumentError(model, 'quantization', quantization, "a plan { layers?, types?, overrides? } or one layer's roles { weights?, inputs?, outputs?, errors?, weightGradients?, overrides? }");
  }
  const keys = Object.keys(quantization);
  const roles = keys.filter((key) => (ROLE_KEYS as readonly string[]).includes(key));
  const planKeys = keys.filter((key) => (PLAN_KEYS as readonly string[]).includes(key));
  const unknown = keys.filter((key) => !roles.includes(key) && !planKeys.includes(key));
  if (unknown.length > 0) {
    throw new ArgumentError(model, `quantization.${unknown[0]}`, (quantization as Record<string, unknown>)[unknown[0]], `a plan key (${PLAN_KEYS.join(', ')}) or a role (${ROLE_KEYS.join(', ')})`);
  }
  const { overrides, ...rest } = quantization as NormalizedPlan & LayerQuantization;
  if (roles.length > 0) {
    if (planKeys.some((key) => key !== 'overrides')) {
      throw new ArgumentError(model, 'quantization', keys.join(', '), 'either a plan { layers?, types?, overrides? } or roles { weights?, ..., overrides? }', `move the roles ${roles.join(', ')} into 'layers'`);
    }
    return { layers: rest as LayerQuantization, overrides };
  }
  return { layers: (rest as NormalizedPlan).layers, types: (rest as NormalizedPlan).types, overrides };
}

/** 'float32' written as roles: every role removed, so roles merged over it start from nothing. */
const NO_ROLES: LayerQuantization = { weights: null, inputs: null, outputs: null, errors: null, weightGradients: null };

/**
 * `update` merged over `base` role by role (a role set to 'float32' or null removes the base's);
 * a whole-layer 'float32' update removes everything. A 'float32' base becomes explicit null roles,
 * so that what is merged over it does not pick the plan's `layers` roles up again inside
 * applyQuantization.
 */
export function mergeLayerPlans(base: LayerPlan | undefined, update: LayerPlan): LayerPlan {
  if (update === 'float32') return 'float32';
  const start = base === undefined ? {} : base === 'float32' ? NO_ROLES : base;
  return { ...start, ...update };
}

/** The user's plan merged over the model's: layers and each type and override key role by role. */
export function mergePlans(base: NormalizedPlan, update: NormalizedPlan | undefined): NormalizedPlan {
  if (update === undefined) return base;
  const merged: NormalizedPlan = {};
  if (base.layers !== undefined || update.layers !== undefined) {
    merged.layers = update.layers === undefined ? base.layers : (mergeLayerPlans(base.layers, update.layers) as LayerQuantization);
  }
  for (const key of ['types', 'overrides'] as const) {
    const entries = { ...(base[key] ?? {}) };
    for (const [name, plan] of Object.entries(update[key] ?? {})) entries[name] = mergeLayerPlans(entries[name], plan);
    if (Object.keys(entries).length > 0) merged[key] = entries;
  }
  return merged;
}

/**
 * Applies the model's own plan (`base`: the binary roles of a BNN) with the user's merged over it,
 * in one applyQuantization call. Returns what applyQuantization reports (empty when neither plan
 * has anything).
 */
export function applyModelQuantization(model: Module, base: NormalizedPlan, update: NormalizedPlan | undefined): QuantizationAssignment[] {
  const { layers, types, overrides } = mergePlans(base, update);
  if (layers === undefined && types === undefined && overrides === undefined) return [];
  // With only overrides, pass an empty `types` so that applyQuantization reads a plan rather than
  // "one layer's roles for every layer" (which would reach, and reset, every layer with weights).
  const plan: QuantizationPlan = layers === undefined ? { types: types ?? {} } : types === undefined ? { layers } : { layers, types };
  return applyQuantization(model, plan, { overrides });
}
