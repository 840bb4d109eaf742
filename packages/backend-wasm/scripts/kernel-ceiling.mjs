// The speed limit of the GEMM micro-kernel on this machine: the 4x8 tile of assembly/gemm.ts run
// over panels that stay in L1, so nothing but the arithmetic counts, with separate multiply and add
// (the backend's kernel) and with relaxed SIMD's fused multiply-add (not used: results would
// depend on the platform). One thread; best of 8 rounds.
//
//   node scripts/kernel-ceiling.mjs
import v8 from 'node:v8';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const { default: asc } = await import('assemblyscript/asc');

const kernel = (madd) => `
export function run(reps: i32, depth: i32, a0: usize, b0: usize, c: usize): void {
  for (let r = 0; r < reps; r++) {
    let a = a0; let b = b0;
    let c00 = f32x4.splat(0); let c01 = f32x4.splat(0); let c10 = f32x4.splat(0); let c11 = f32x4.splat(0);
    let c20 = f32x4.splat(0); let c21 = f32x4.splat(0); let c30 = f32x4.splat(0); let c31 = f32x4.splat(0);
    for (let p = 0; p < depth; p++) {
      const x = v128.load(b); const y = v128.load(b, 16);
      let s = v128.load32_splat(a); c00 = ${madd('s', 'x', 'c00')}; c01 = ${madd('s', 'y', 'c01')};
      s = v128.load32_splat(a, 4); c10 = ${madd('s', 'x', 'c10')}; c11 = ${madd('s', 'y', 'c11')};
      s = v128.load32_splat(a, 8); c20 = ${madd('s', 'x', 'c20')}; c21 = ${madd('s', 'y', 'c21')};
      s = v128.load32_splat(a, 12); c30 = ${madd('s', 'x', 'c30')}; c31 = ${madd('s', 'y', 'c31')};
      a += 16; b += 32;
    }
    v128.store(c, f32x4.add(f32x4.add(f32x4.add(c00, c01), f32x4.add(c10, c11)), f32x4.add(f32x4.add(c20, c21), f32x4.add(c30, c31))));
  }
}`;

async function compile(source, relaxed) {
  const files = { 'kernel.ts': source };
  let binary;
  const { error } = await asc.main(['kernel.ts', '--outFile', 'kernel.wasm', '-O3', '--noAssert', '--runtime', 'stub', '--enable', 'simd', ...(relaxed ? ['--enable', 'relaxed-simd'] : []), '--use', 'abort='], {
    readFile: (name) => files[name] ?? null,
    writeFile: (name, contents) => { if (name === 'kernel.wasm') binary = contents; },
    listFiles: () => [],
  });
  if (error) throw error;
  const { instance } = await WebAssembly.instantiate(binary, {});
  instance.exports.memory.grow(4);
  new Float32Array(instance.exports.memory.buffer).fill(0.001);
  return instance.exports.run;
}

const variants = {
  'mul + add (the backend)': await compile(kernel((a, b, c) => `f32x4.add(${c}, f32x4.mul(${a}, ${b}))`), false),
  'relaxed_madd (FMA)': await compile(kernel((a, b, c) => `f32x4.relaxed_madd(${a}, ${b}, ${c})`), true),
};
const depth = 256;
const reps = 20000;
const best = Object.fromEntries(Object.keys(variants).map((name) => [name, 0]));
for (let round = 0; round < 8; round++) {
  for (const [name, run] of Object.entries(variants)) {
    const start = performance.now();
    run(reps, depth, 1024, 65536, 4096);
    best[name] = Math.max(best[name], (2 * 32 * depth * reps) / ((performance.now() - start) / 1000) / 1e9);
  }
}
for (const [name, rate] of Object.entries(best)) console.log(`4x8 micro-kernel in L1, ${name}: ${rate.toFixed(1)} GFLOP/s (one thread)`);
