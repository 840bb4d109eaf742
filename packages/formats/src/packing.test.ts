import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PackingError } from './errors.js';
import { packCodes, packedByteLength, unpackCodes } from './packing.js';

const WIDTHS = Array.from({ length: 32 }, (_, i) => i + 1);

/** The layout written out one bit at a time: the oracle the word-at-a-time code must match. */
function packOneBitAtATime(codes: readonly number[], bits: number): Uint8Array {
  const packed = new Uint8Array(Math.ceil((bits * codes.length) / 8));
  codes.forEach((code, i) => {
    for (let b = 0; b < bits; b++) {
      const streamBit = i * bits + b;
      if (Math.floor(code / 2 ** b) % 2 === 1) packed[streamBit >> 3] |= 1 << (streamBit & 7);
    }
  });
  return packed;
}

function edgeCodes(bits: number): number[] {
  const max = 2 ** bits - 1;
  const alternating = Number.parseInt('10'.repeat(16).slice(0, bits), 2);
  return [0, max, 1, max - 1, alternating, max - alternating, 2 ** (bits - 1), 2 ** (bits - 1) - 1, max, 0, max];
}

describe('packCodes / unpackCodes layout', () => {
  it('packs 3-bit codes least significant bit first (hand-computed)', () => {
    // Stream bits: code0 = 001 at bits 0-2, code1 = 010 at 3-5, code2 = 011 at 6-8, ...
    // byte 0 = [code2 low 2 bits 11][code1 010][code0 001] = 0b11_010_001 = 0xd1
    // The 24-bit little-endian integer is sum(code_i << 3i) = 0x1f58d1.
    const codes = [1, 2, 3, 4, 5, 6, 7, 0];
    const packed = packCodes(codes, 3);
    expect([...packed]).toEqual([0xd1, 0x58, 0x1f]);
    expect([...unpackCodes(packed, 3, codes.length)]).toEqual(codes);
  });

  it('packs 5-bit codes across byte boundaries (hand-computed)', () => {
    // 21 = 10101 at bits 0-4; 3 = 00011 at bits 5-9; 31 = 11111 at bits 10-14; bit 15 is padding.
    // byte 0 = [3's low bits 011][10101] = 0x75; byte 1 = [pad 0][11111][3's high bits 00] = 0x7c
    const packed = packCodes([21, 3, 31], 5);
    expect([...packed]).toEqual([0x75, 0x7c]);
    expect([...unpackCodes(packed, 5, 3)]).toEqual([21, 3, 31]);
  });

  it.each([
    [1, 0, 0],
    [1, 1, 1],
    [1, 8, 1],
    [1, 9, 2],
    [3, 8, 3],
    [5, 3, 2],
    [12, 3, 5],
    [25, 1, 4],
    [31, 5, 20],
    [32, 3, 12],
  ])('%i-bit codes, %i of them, take %i bytes', (bits, count, bytes) => {
    expect(packedByteLength(bits, count)).toBe(bytes);
    expect(packCodes(new Array<number>(count).fill(2 ** bits - 1), bits).length).toBe(bytes);
  });

  it('leaves the unused high bits of the last byte zero', () => {
    expect([...packCodes([7, 7, 7], 3)]).toEqual([0xff, 0x01]);
  });
});

describe('round trip over every width 1..32', () => {
  it.each(WIDTHS)('%i bits: edge codes, every length 0..70 (every alignment)', (bits) => {
    const edges = edgeCodes(bits);
    for (let count = 0; count <= 70; count++) {
      const codes = Array.from({ length: count }, (_, i) => edges[(i * 7) % edges.length]);
      const packed = packCodes(codes, bits);
      expect(packed).toEqual(packOneBitAtATime(codes, bits));
      expect([...unpackCodes(packed, bits, count)]).toEqual(codes);
    }
  });

  it.each(WIDTHS)('%i bits: random codes (property)', (bits) => {
    const code = fc.integer({ min: 0, max: 2 ** bits - 1 });
    fc.assert(
      fc.property(fc.array(code, { maxLength: 200 }), (codes) => {
        const packed = packCodes(codes, bits);
        expect(packed.length).toBe(Math.ceil((bits * codes.length) / 8));
        expect(packed).toEqual(packOneBitAtATime(codes, bits));
        expect([...unpackCodes(packed, bits, codes.length)]).toEqual(codes);
      }),
      { numRuns: 60 },
    );
  });

  it('returns the narrowest code array and accepts typed inputs', () => {
    expect(unpackCodes(new Uint8Array(1), 8, 1)).toBeInstanceOf(Uint8Array);
    expect(unpackCodes(new Uint8Array(2), 9, 1)).toBeInstanceOf(Uint16Array);
    expect(unpackCodes(new Uint8Array(3), 17, 1)).toBeInstanceOf(Uint32Array);
    const typedInputs = [Uint8Array.of(1, 255, 0), Uint16Array.of(1, 65535, 0), Uint32Array.of(1, 2 ** 32 - 1, 0)];
    for (const codes of typedInputs) {
      const bits = codes.BYTES_PER_ELEMENT * 8;
      expect(unpackCodes(packCodes(codes, bits), bits, 3)).toEqual(codes);
    }
  });

  it('reads misaligned views, ignores trailing bytes and fills `out`', () => {
    const codes = [5, 0, 4095, 17, 2048];
    const packed = packCodes(codes, 12);
    const shifted = new Uint8Array(packed.length + 5);
    shifted.set(packed, 1);
    const view = shifted.subarray(1); // byteOffset 1, four extra bytes at the end
    const out = new Uint16Array(8);
    expect(unpackCodes(view, 12, codes.length, out)).toBe(out);
    expect([...out.subarray(0, 5)]).toEqual(codes);
    expect([...unpackCodes(view, 12, 2)]).toEqual([5, 0]);
  });
});

describe('packing errors', () => {
  it.each([
    ['a code of 2^bits', () => packCodes([1, 2, 8], 3), 'invalid code at index 2: 8 (allowed: integers 0..7 for 3-bit codes)'],
    ['a negative code', () => packCodes([0, -1], 4), 'invalid code at index 1: -1 (allowed: integers 0..15'],
    ['a fraction', () => packCodes([0.5], 4), 'invalid code at index 0: 0.5'],
    ['NaN', () => packCodes([3, NaN], 8), 'invalid code at index 1: NaN'],
    ['2^32 in 32 bits', () => packCodes([2 ** 32], 32), 'invalid code at index 0: 4294967296 (allowed: integers 0..4294967295'],
    ['bits 0', () => packCodes([0], 0), 'invalid bits: 0 (allowed: an integer 1..32)'],
    ['bits 33', () => unpackCodes(new Uint8Array(8), 33, 1), 'invalid bits: 33 (allowed: an integer 1..32)'],
    ['bits 2.5', () => packedByteLength(2.5, 1), 'invalid bits: 2.5'],
    ['a short buffer', () => unpackCodes(new Uint8Array(2), 5, 4), 'invalid packed.length: 2 (allowed: at least 3 bytes for 4 codes of 5 bits)'],
    ['a negative count', () => unpackCodes(new Uint8Array(2), 5, -1), 'invalid count: -1'],
    ['an out array too narrow', () => unpackCodes(new Uint8Array(4), 12, 2, new Uint8Array(2)), 'elements hold 12-bit codes'],
    ['an out array too short', () => unpackCodes(new Uint8Array(4), 4, 4, new Uint8Array(3)), 'invalid out.length: 3 (allowed: at least count = 4)'],
  ])('rejects %s', (_label, run, message) => {
    expect(run).toThrow(PackingError);
    expect(run).toThrow(message);
  });

  it('reports the index of the first bad code', () => {
    try {
      packCodes(Uint16Array.of(1, 2, 300, 400), 8);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PackingError);
      expect((error as PackingError).index).toBe(2);
      expect((error as PackingError).value).toBe(300);
    }
  });
});
