import { readFileSync } from 'fs';
import { join } from 'path';

/**
 * This library's version, from its own package.json: `src/private/` and the compiled
 * `lib/private/` are both two folders below the package root, which the package ships.
 */
export const PACKAGE_VERSION: string = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf-8')) as { version: string }).version;
