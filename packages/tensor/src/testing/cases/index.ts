/**
 * The registry of conformance cases: every case file of this folder, one per op family. A new op
 * needs cases here, or the coverage check ("catalog: every op has a case") fails.
 */
import type { ConformanceCase } from '../case.js';
import { binaryOpCases } from './binary.js';
import { compositeOpCases } from './composite.js';
import { convCases } from './conv.js';
import { matmulCases } from './matmul.js';
import { movementOpCases } from './movement.js';
import { poolCases } from './pool.js';
import { quantizeCases } from './quantize.js';
import { reduceOpCases } from './reduce.js';
import { shapeOpCases } from './shape.js';
import { unaryOpCases } from './unary.js';

export const conformanceCases: readonly ConformanceCase[] = [
  ...unaryOpCases,
  ...binaryOpCases,
  ...reduceOpCases,
  ...movementOpCases,
  ...shapeOpCases,
  ...compositeOpCases,
  ...matmulCases,
  ...convCases,
  ...poolCases,
  ...quantizeCases,
];
