// Loads the postcode district table from disk. Swap this loader to use another source
// (for example the ONS Postcode Directory); the rest of the app only sees DistrictTable.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDistrictCsv, type DistrictTable } from '../domain/places.ts';

export const DEFAULT_DISTRICT_CSV = fileURLToPath(
  new URL('../../resources/postcode-districts/uk-postcode-districts.csv', import.meta.url),
);

const cache = new Map<string, DistrictTable>();

/**
 * Read and parse the postcode district CSV. Each file is read once per process.
 * Throws if the file is missing or malformed.
 */
export function loadDistrictTable(path: string = DEFAULT_DISTRICT_CSV): DistrictTable {
  let table = cache.get(path);
  if (!table) {
    table = parseDistrictCsv(readFileSync(path, 'utf8'), path);
    cache.set(path, table);
  }
  return table;
}
