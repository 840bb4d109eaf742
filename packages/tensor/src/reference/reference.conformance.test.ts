import { describe, it } from 'vitest';
import { runConformance } from '../testing/index.js';
import { referenceBackend } from './index.js';

// The reference backend against the suite: this also tests the suite's own reference formulas.
runConformance(referenceBackend, { describe, it });
