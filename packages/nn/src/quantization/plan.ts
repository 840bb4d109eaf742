/**
 * Model-level quantization plans: one plan for every layer, by layer type and role, with
 * per-layer overrides by name or pattern, so "FP8 everywhere except the first and last layer" is
 * one call:
 *
 *   applyQuantization(model, { layers: { weights: 'float8_e4m3fn', inputs: 'float8_e4m3fn', errors: 'float8_e5m2' } },
 *                     { overrides: { first: 'float32', last: 'float32' } });
 *
 * Resolution for each module, later steps merged over earlier ones role by role (a role set to
 * 'float32' or null is removed; a whole-layer 'float32' removes every role):
 *   1. `layers`: every layer with weights (whose quantizationRoles include 'weights': Linear, Conv2d);
 *   2. `types[module.type]`: any module of that type ('BatchNorm2d', 'ReLU', 'Residual', ...);
 *   3. overrides 'first' / 'last': the first / last layer with weights in registration order
 *      (for Sequential models, the order of the computation);
 *   4. other overrides in key order: an exact dotted name, or a glob where '*' matches within one
 *      level ('features.*') and '**' across levels ('**.conv1').
 * A module reached by any step gets the result (replacing what it had; nothing left means no
 * quantization); a module no step reaches keeps its quantization.
 */
import { QuantizationPoint } from '@lowbit/autograd';
import type { Module } from '../module.js';
import { QuantizationPlanError, listForMessage } from '../errors.js';
import { QUANTIZATION_ROLES, isNone, type LayerQuantization, type QuantizationRole } from './spec.js';

/** A layer's plan entry: its roles, or 'float32' for none. */
export type LayerPlan = LayerQuantization | 'float32';

export interface QuantizationPlan {
  /** Roles of every layer with weights. */
  layers?: LayerQuantization;
  /** Roles by module type, merged over `layers`. */
  types?: Record<string, LayerPlan>;
}

export interface ApplyQuantizationOptions {
  /** 'first', 'last', dotted names and globs; merged over the plan. */
  overrides?: Record<string, LayerPlan>;
}

/** What applyQuantization did to one module. */
export interface QuantizationAssignment {
  name: string;
  type: string;
  /** The roles it now quantizes (empty: none). */
  roles: QuantizationRole[];
}

function isPlan(plan: object): plan is QuantizationPlan {
  const keys = Object.keys(plan);
  return keys.length > 0 && keys.every((key) => key === 'layers' || key === 'types');
}

function merge(base: LayerQuantization | undefined, update: LayerPlan): LayerQuantization {
  if (update === 'float32') return {};
  const result: LayerQuantization = { ...(base ?? {}) };
  for (const role of QUANTIZATION_ROLES) {
    if (!(role in update)) continue;
    if (isNone(update[role])) delete result[role];
    else result[role] = update[role];
  }
  return result;
}

function checkLayerPlan(field: string, plan: unknown): LayerPlan {
  if (plan === 'float32') return plan;
  if (plan === null || typeof plan !== 'object' || Array.isArray(plan)) {
    throw new QuantizationPlanError(`applyQuantization: ${field} must be 'float32' or { ${QUANTIZATION_ROLES.join('?, ')}? }, got ${JSON.stringify(plan)}`);
  }
  const unknown = Object.keys(plan).filter((key) => !QUANTIZATION_ROLES.includes(key as QuantizationRole));
  if (unknown.length > 0) throw new QuantizationPlanError(`applyQuantization: ${field} has unknown roles ${unknown.join(', ')} (roles: ${QUANTIZATION_ROLES.join(', ')})`);
  return plan as LayerPlan;
}

/** A RegExp for an override key: exact name, or '*' within a level and '**' across levels. */
function matcher(key: string): RegExp {
  const level = (part: string) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^.]*');
  return new RegExp(`^${key.split('**').map(level).join('.*')}$`);
}

/** Applies a plan (or one layer's roles for every layer with weights) to a model; returns what each reached module got. */
export function applyQuantization(model: Module, plan: QuantizationPlan | LayerQuantization, options: ApplyQuantizationOptions = {}): QuantizationAssignment[] {
  if (plan === null || typeof plan !== 'object') throw new QuantizationPlanError(`applyQuantization: the plan must be { layers?, types? } or one layer's roles, got ${JSON.stringify(plan)}`);
  const keys = Object.keys(plan);
  if (!isPlan(plan) && keys.some((key) => key === 'layers' || key === 'types')) {
    const unknown = keys.filter((key) => key !== 'layers' && key !== 'types');
    throw new QuantizationPlanError(`applyQuantization: the plan has unknown keys ${unknown.join(', ')} (a plan is { layers?, types? }, or one layer's roles for every layer with weights)`);
  }
  const resolved: QuantizationPlan = isPlan(plan) ? plan : { layers: checkLayerPlan('the plan', plan) as LayerQuantization };
  if (resolved.layers !== undefined) checkLayerPlan('layers', resolved.layers);
  for (const [type, entry] of Object.entries(resolved.types ?? {})) checkLayerPlan(`types.${type}`, entry);
  const overrides = Object.entries(options.overrides ?? {}).map(([key, entry]) => [key, checkLayerPlan(`overrides[${JSON.stringify(key)}]`, entry)] as const);

  const modules = model.namedModules();
  const weighted = modules.filter(([, module]) => module.quantizationRoles.includes('weights'));
  const plans = new Map<Module, LayerQuantization>();
  const reach = (module: Module, update: LayerPlan) => plans.set(module, merge(plans.get(module), update));

  if (resolved.layers !== undefined) for (const [, module] of weighted) reach(module, resolved.layers);
  for (const [, module] of modules) {
    const entry = resolved.types?.[module.type];
    if (entry !== undefined) reach(module, entry);
  }
  for (const [key, entry] of overrides) {
    if (key !== 'first' && key !== 'last') continue;
    if (weighted.length === 0) throw new QuantizationPlanError(`applyQuantization: override ${JSON.stringify(key)}: ${model.label} has no layer with weights`);
    reach((key === 'first' ? weighted[0] : weighted[weighted.length - 1])[1], entry);
  }
  for (const [key, entry] of overrides) {
    if (key === 'first' || key === 'last') continue;
    const pattern = matcher(key);
    const matched = modules.filter(([name]) => name !== '' && pattern.test(name));
    if (matched.length === 0) {
      throw new QuantizationPlanError(
        `applyQuantization: override ${JSON.stringify(key)} names no module of ${model.label}; modules: ${listForMessage(modules.map(([name]) => name).filter((name) => name !== ''), 20)} ('first' and 'last' name the first and last layer with weights; '*' matches within a level, '**' across levels)`,
      );
    }
    for (const [, module] of matched) reach(module, entry);
  }

  // A ready point reaching two layers would interleave their steps, streams and statistics.
  const owners = new Map<QuantizationPoint, string>();
  for (const [name, module] of modules) {
    for (const role of QUANTIZATION_ROLES) {
      const spec = plans.get(module)?.[role];
      if (!(spec instanceof QuantizationPoint)) continue;
      const owner = owners.get(spec);
      if (owner !== undefined) {
        throw new QuantizationPlanError(`applyQuantization: one QuantizationPoint would serve both ${JSON.stringify(owner)} and ${JSON.stringify(name)} (${role}); give options or a format instead, so each layer gets its own point`);
      }
      owners.set(spec, name);
    }
  }
  const assignments: QuantizationAssignment[] = [];
  for (const [name, module] of modules) {
    const roles = plans.get(module);
    if (roles === undefined) continue;
    const given = QUANTIZATION_ROLES.filter((role) => !isNone(roles[role]));
    module.setQuantization(given.length === 0 ? undefined : roles);
    assignments.push({ name, type: module.type, roles: given });
  }
  return assignments;
}
