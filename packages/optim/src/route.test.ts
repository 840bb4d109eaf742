import { describe, expect, it } from 'vitest';
import { binaryFormat, floatFormat } from '@lowbit/formats';
import { adam } from './adam.js';
import { bop } from './bop.js';
import { RouteError } from './errors.js';
import { routeBy } from './route.js';
import { sgd } from './sgd.js';
import { param, setGrad, values } from './helpers.testutil.js';

function bnnParameters() {
  const binary = binaryFormat();
  return [
    param([1, -1, 1, -1], { name: 'fc1.weight', format: binary }),
    param([1, 1], { name: 'bn1.gamma' }),
    param([0, 0], { name: 'bn1.beta' }),
    param([1, -1], { name: 'fc2.weight', format: binary }),
  ];
}

describe('routeBy', () => {
  it('sends binary parameters to Bop and the rest to Adam', () => {
    const parameters = bnnParameters();
    const optimizer = routeBy({
      routes: [
        { name: 'binary', select: 'binary', optimizer: bop({ adaptivity: 1, threshold: 0 }) },
        { name: 'real', select: 'non-binary', optimizer: adam({ learningRate: 0.1 }) },
      ],
    }).create(parameters);
    for (const p of parameters) setGrad(p, new Float32Array(p.size).fill(1));
    optimizer.step();
    expect(values(parameters[0])).toEqual([-1, -1, -1, -1]); // m = 1 > 0 flips the +1 weights
    expect(values(parameters[1])[0]).toBeCloseTo(0.9, 6); // one Adam step
    const statistics = optimizer.statistics()!;
    expect(Object.keys(statistics.routes!)).toEqual(['binary', 'real']);
    expect(statistics.routes!.binary.parameters.map((p) => p.name)).toEqual(['fc1.weight', 'fc2.weight']);
    expect(statistics.totals).toMatchObject({ elements: 10, flips: 3, flipRatio: 0.5 });
    expect(statistics.hyperparameters).toMatchObject({ 'binary.adaptivity': 1, 'real.learningRate': 0.1 });
    // Bop keeps 6 momenta, Adam 2 x 4 moments: all float32.
    expect(optimizer.stateBytes()).toBe(4 * 6 + 8 * 4);
    expect(optimizer.readState('bn1.beta', 'firstMoment')).toHaveLength(2);
  });

  it('selects by format kind, by names and by predicate', () => {
    const parameters = bnnParameters();
    const optimizer = routeBy({
      routes: [
        { select: { formatKind: 'binary' }, optimizer: bop() },
        { select: { names: /^bn1\.gamma$/ }, optimizer: sgd({ learningRate: 1 }) },
        { select: (_, name) => name.endsWith('.beta'), optimizer: sgd({ learningRate: 2 }) },
      ],
    }).create(parameters);
    for (const p of parameters) setGrad(p, new Float32Array(p.size).fill(1));
    optimizer.step();
    expect(values(parameters[1])).toEqual([0, 0]);
    expect(values(parameters[2])).toEqual([-2, -2]);
    expect(Object.keys(optimizer.statistics()!.routes!)).toEqual(['bop', 'sgd1', 'sgd2']);
  });

  it('names every parameter claimed twice and every parameter claimed by no route', () => {
    const parameters = [...bnnParameters(), param([0], { name: 'extra', format: floatFormat({ exponentBits: 4, mantissaBits: 3 }) })];
    const definition = routeBy({
      routes: [
        { name: 'bop', select: 'binary', optimizer: bop() },
        { name: 'everything-float32', select: { formatKind: 'float32' }, optimizer: adam() },
        { name: 'second-layer', select: { names: ['fc2.weight'] }, optimizer: adam() },
      ],
    });
    let error: unknown;
    try {
      definition.create(parameters);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RouteError);
    const routeError = error as RouteError;
    expect([...routeError.claimedTwice]).toEqual([['fc2.weight', ['bop', 'second-layer']]]);
    expect(routeError.unclaimed).toEqual(['extra']);
    expect(routeError.message).toMatch(/claimed by more than one route: "fc2.weight" \(routes "bop", "second-layer"\); claimed by no route: "extra"/);
  });

  it('checkpoints every route', () => {
    const make = () => routeBy({ routes: [{ select: 'binary', optimizer: bop() }, { select: 'non-binary', optimizer: adam() }] });
    const parameters = bnnParameters();
    const optimizer = make().create(parameters);
    for (const p of parameters) setGrad(p, new Float32Array(p.size).fill(0.5));
    optimizer.step();
    const other = make().create(bnnParameters());
    other.loadState(optimizer.state());
    expect(other.readState('fc1.weight', 'momentum')).toEqual(optimizer.readState('fc1.weight', 'momentum'));
    expect(other.stepCount).toBe(1);
  });

  it('rejects a bad route', () => {
    expect(() => routeBy({ routes: [] })).toThrow(/routeBy: invalid routes/);
    expect(() => routeBy({ routes: [{ select: 'binary', optimizer: {} as never }] })).toThrow(/routes\[0\]\.optimizer/);
    expect(() => routeBy({ routes: [{ select: 'bin' as never, optimizer: bop() }] })).toThrow(/routes\[0\]\.select: "bin"/);
  });
});
