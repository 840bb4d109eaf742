import type { Linter } from 'eslint';
export declare function lowbitEslintConfig(...overrides: Linter.Config[]): Linter.Config[];
