/**
 * The quantization state of one module: the spec it was given and the points built from it.
 *
 * Points are built on first use, not when the spec is set, because a point's name (the layer's
 * dotted path in the model plus the role) keys its statistics and its stochastic streams, and a
 * layer only learns its path when it is added to a parent. The spec is still checked at once, so
 * a bad option fails where it is written.
 */
import { ArgumentError } from '@lowbit/tensor';
import { QuantizationPoint } from '@lowbit/autograd';
import { POINT_ROLES, checkLayerQuantization, givenRoles, pointRecipe, type LayerQuantization, type PointRole, type QuantizationRole } from './spec.js';

export class LayerQuantizer {
  private spec: LayerQuantization | undefined;
  /** Built points; null marks a role resolved to no point, so forward does not resolve it again. */
  private readonly points = new Map<PointRole, QuantizationPoint | null>();

  /** The spec as given (undefined: no quantization). */
  get quantization(): LayerQuantization | undefined {
    return this.spec;
  }

  /**
   * Replaces the spec (undefined clears it) and forgets the points built from the old one.
   * `label` names the layer in messages; `supported` are the roles the layer has.
   */
  set(quantization: LayerQuantization | undefined, label: string, supported: readonly QuantizationRole[]): void {
    if (quantization === undefined) {
      this.spec = undefined;
      this.points.clear();
      return;
    }
    const checked = checkLayerQuantization(`${label} quantization`, quantization);
    for (const role of givenRoles(checked)) {
      if (!supported.includes(role)) {
        throw new ArgumentError(label, `quantization.${role}`, checked[role] instanceof QuantizationPoint ? 'a QuantizationPoint' : checked[role], `one of the roles this layer has: ${supported.join(', ')}`, role === 'weights' || role === 'weightGradients' ? 'the layer has no weights' : undefined);
      }
    }
    // Build each point once to check its options now (the real ones are built on first use).
    for (const role of POINT_ROLES) {
      const recipe = pointRecipe(role, checked, `${label}.${role}`);
      if (recipe?.kind === 'options') new QuantizationPoint(recipe.options);
    }
    this.spec = givenRoles(checked).length === 0 ? undefined : { ...checked };
    this.points.clear();
  }

  /** The roles that have a point under the current spec. */
  pointRoles(): PointRole[] {
    const spec = this.spec;
    if (spec === undefined) return [];
    return POINT_ROLES.filter((role) => pointRecipe(role, spec, role) !== undefined);
  }

  /** The point of a role (built now if needed, named `name`), in the given mode; undefined without one. */
  point(role: PointRole, name: string, training: boolean): QuantizationPoint | undefined {
    if (this.spec === undefined) return undefined;
    let point = this.points.get(role);
    if (point === undefined) {
      const recipe = pointRecipe(role, this.spec, name);
      point = recipe === undefined ? null : recipe.kind === 'ready' ? recipe.point : new QuantizationPoint(recipe.options);
      this.points.set(role, point);
    }
    if (point === null) return undefined;
    point.training = training;
    return point;
  }

  /** Sets the mode of the points built so far. */
  setTraining(training: boolean): void {
    for (const point of this.points.values()) if (point !== null) point.training = training;
  }
}
