import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** The package version, recorded in every manifest. */
export const TEXTCLASS_VERSION: string = (require('../package.json') as { version: string }).version;
