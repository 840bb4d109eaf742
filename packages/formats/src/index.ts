export * from './types.js';
export * from './errors.js';
export { floatFormat, type FloatSpecInput } from './float/index.js';
export { randomUint32, fillRandomUint32 } from './random.js';
export { formatFromSpec } from './from-spec.js';
