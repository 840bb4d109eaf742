import { lowbitTsupConfig } from '@lowbit/config/tsup';

export default lowbitTsupConfig({ entry: ['src/index.ts'] });
