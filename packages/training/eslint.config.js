import { lowbitEslintConfig } from '@lowbit/config/eslint';

export default lowbitEslintConfig();
