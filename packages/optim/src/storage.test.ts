import { describe, expect, it } from 'vitest';
import { deriveSeed } from '@lowbit/autograd';
import { binaryFormat, fixedPointFormat, floatFormat, elementFormatFromName, parseFormat, randomUint32, type ElementFormat } from '@lowbit/formats';
import { adam } from './adam.js';
import { bop } from './bop.js';
import { sgd } from './sgd.js';
import { param, setGrad } from './helpers.testutil.js';
import { StateBuffer, resolveStorage } from './storage.js';

const fround = Math.fround;
const e4m2b20 = floatFormat({ exponentBits: 4, mantissaBits: 2, bias: 20, specials: 'finite' }); // 7 bits, values ~2^-19 .. 2^-5

function uniform(seed: number, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => scale * (randomUint32(seed, i) / 2 ** 31 - 1));
}

describe('compressed state: the bytes it claims', () => {
  const formats: (ElementFormat | 'float32')[] = [
    'float32',
    binaryFormat(),
    floatFormat({ exponentBits: 2, mantissaBits: 0, specials: 'finite' }), // 3 bits
    e4m2b20, // 7 bits
    elementFormatFromName('float8_e4m3fn'),
    fixedPointFormat({ wordBits: 12, fractionBits: 20 }),
    elementFormatFromName('float16'),
    floatFormat({ exponentBits: 8, mantissaBits: 12 }), // 21 bits
  ];
  for (const format of formats) {
    const bits = format === 'float32' ? 32 : format.bits;
    for (const n of [1, 7, 100, 1001]) {
      it(`${format === 'float32' ? 'float32' : format.name} (${bits} bits) x ${n}: ceil(bits n / 8) bytes per buffer, no overhead`, () => {
        const w = param(new Float32Array(n), { name: 'w' });
        const optimizer = adam({ state: format }).create([w]);
        const perBuffer = Math.ceil((bits * n) / 8);
        expect(optimizer.stateMemory()).toEqual([
          { parameter: 'w', slot: 'firstMoment', storage: format === 'float32' ? 'float32' : format.name, bitsPerValue: bits, elements: n, bytes: perBuffer },
          { parameter: 'w', slot: 'secondMoment', storage: format === 'float32' ? 'float32' : format.name, bitsPerValue: bits, elements: n, bytes: perBuffer },
        ]);
        expect(optimizer.stateBytes()).toBe(2 * perBuffer);
        setGrad(w, uniform(3, n, 1e-3));
        optimizer.step();
        expect(optimizer.stateBytes()).toBe(2 * perBuffer); // still packed after a write
      });
    }
  }

  it('stores exactly the rounded values and uses them for the update', () => {
    const w = param(new Float32Array(64), { name: 'w' });
    const optimizer = sgd({ learningRate: 1, momentum: 0.5, stateSlots: { momentum: e4m2b20 } }).create([w]);
    const g = uniform(5, 64, 1e-3);
    setGrad(w, g);
    optimizer.step();
    const stored = optimizer.readState('w', 'momentum');
    expect(stored).toEqual(e4m2b20.quantize(g));
    expect(Float32Array.from(w.value.data(), (v) => -v)).toEqual(stored); // w = 0 - 1 · b, b as stored
  });

  it('rejects a tensor format or an unknown slot', () => {
    expect(() => sgd({ learningRate: 1, state: parseFormat('mxfp8_e4m3') as never })).toThrow(/sgd: invalid state.*tensor format/);
    expect(() => sgd({ learningRate: 1, momentum: 0.9, stateSlots: { firstMoment: 'float32' } })).toThrow(/keeps no state called "firstMoment"/);
  });
});

describe("the unchanged-momentum metric (Yayla & Chen's U)", () => {
  it('equals a brute-force count, by actually rounding, step after step', () => {
    const n = 2000;
    const gamma = 0.02;
    const w = param(Float32Array.from(uniform(1, n), (v) => Math.sign(v) || 1), { name: 'w', format: binaryFormat() });
    const optimizer = bop({ adaptivity: gamma, threshold: 1e-4, state: e4m2b20 }).create([w]);
    let total = 0;
    for (let step = 0; step < 8; step++) {
      const m = optimizer.readState('w', 'momentum');
      // Gradients of mixed sizes: some updates are far below the 7-bit spacing, some far above.
      const g = Float32Array.from(uniform(10 + step, n), (v, i) => v * 10 ** -(2 + (i % 4)));
      setGrad(w, g);
      optimizer.step();
      const exact = Float32Array.from(m, (mi, i) => fround(mi + fround(fround(gamma) * fround(g[i] - mi))));
      const rounded = e4m2b20.quantize(exact);
      let unchanged = 0;
      let byStorage = 0;
      for (let i = 0; i < n; i++) {
        if (rounded[i] === m[i]) {
          unchanged++;
          if (exact[i] !== m[i]) byStorage++;
        }
      }
      const record = optimizer.statistics()!.parameters[0].state[0];
      expect(record).toEqual({ slot: 'momentum', storage: e4m2b20.name, elements: n, unchanged, unchangedByStorage: byStorage, unchangedFraction: unchanged / n });
      total += unchanged;
    }
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(8 * n);
  });

  it('with float32 storage counts exact float32 equality (the update swamped by float32 itself)', () => {
    const w = param([1, 1, 1], { name: 'w' });
    const optimizer = sgd({ learningRate: 0, momentum: 1, dampening: 0 }).create([w]);
    setGrad(w, [1, 1, 0]);
    optimizer.step(); // b = g
    setGrad(w, [1e-9, 0.5, 0]); // b + 1e-9 == b in float32; b + 0.5 changes; 0 + 0 stays
    optimizer.step();
    expect(optimizer.statistics()!.parameters[0].state[0]).toMatchObject({ unchanged: 2, unchangedByStorage: 0 });
  });
});

describe('stochastic rounding of state', () => {
  const n = 300;
  const run = (seed: number) => {
    const w = param(new Float32Array(n), { name: 'layer.w' });
    const optimizer = sgd({ learningRate: 1, momentum: 0.9, seed, state: { format: e4m2b20, rounding: 'stochastic' } }).create([w]);
    const stored: Float32Array[] = [];
    const computed: Float32Array[] = [];
    for (let step = 0; step < 3; step++) {
      const previous = optimizer.readState('layer.w', 'momentum');
      const g = uniform(40 + step, n, 1e-3);
      computed.push(step === 0 ? g : Float32Array.from(g, (gi, i) => fround(fround(fround(0.9) * previous[i]) + gi)));
      setGrad(w, g);
      optimizer.step();
      stored.push(optimizer.readState('layer.w', 'momentum'));
    }
    return { stored, computed, state: optimizer.state() };
  };

  it('is reproducible, keyed by (seed, parameter/slot), with the offset advanced by n per write', () => {
    const a = run(7);
    expect(run(7).stored).toEqual(a.stored);
    expect(run(8).stored).not.toEqual(a.stored);
    const seed = deriveSeed(7, 'layer.w/momentum');
    a.computed.forEach((values, step) => {
      // Element by element (chunks of one): the same bits as the whole-array write.
      const oneByOne = Float32Array.from(values, (v, i) => e4m2b20.quantize(Float32Array.of(v), { rounding: 'stochastic', seed, offset: step * n + i })[0]);
      expect(oneByOne).toEqual(a.stored[step]);
    });
    expect(a.state.buffers['layer.w/momentum'].streamPosition).toBe(3 * n);
  });
});

describe('StateBuffer without copies (float32 storage)', () => {
  const make = () => new StateBuffer('w/momentum', 3, resolveStorage('test', 'state', 'float32'), 0, Float32Array.from([1, 2, 3]));

  it('peek gives the stored array itself; a write replaces it, so values peeked before stay as they were', () => {
    const buffer = make();
    const previous = buffer.peek();
    expect(buffer.peek()).toBe(previous);
    const next = buffer.writable();
    next.set([1, 5, 6]);
    const written = buffer.write(next, previous);
    expect(Array.from(previous)).toEqual([1, 2, 3]);
    expect(written.stored).toBe(next);
    expect(written.unchanged).toBe(1);
    expect(Array.from(buffer.read())).toEqual([1, 5, 6]);
  });

  it('writable recycles the array the last write replaced, and read() hands out copies', () => {
    const buffer = make();
    const first = buffer.peek();
    buffer.write(Float32Array.from([4, 5, 6]), first);
    expect(buffer.writable()).toBe(first);
    const copy = buffer.read();
    copy[0] = 99;
    expect(buffer.peek()[0]).toBe(4);
  });
});
