import { lowbitVitestConfig } from '@lowbit/config/vitest';

export default lowbitVitestConfig();
