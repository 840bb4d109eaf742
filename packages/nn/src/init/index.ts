export { fans, calculateGain, type Fans, type FanMode, type Nonlinearity } from './fans.js';
export {
  kaimingUniform,
  kaimingNormal,
  xavierUniform,
  xavierNormal,
  uniform,
  normal,
  constant,
  zeros,
  ones,
  defaultWeightInitializer,
  defaultBiasInitializer,
  type Initializer,
  type InitializerContext,
  type KaimingOptions,
  type XavierOptions,
  type SeedOption,
} from './initializers.js';
