import type { Options } from 'tsup';
export declare function lowbitTsupConfig(options?: Options): Options | Options[];
