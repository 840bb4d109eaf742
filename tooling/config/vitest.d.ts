import type { UserConfig } from 'vitest/config';
export declare function lowbitVitestConfig(test?: UserConfig['test']): UserConfig;
