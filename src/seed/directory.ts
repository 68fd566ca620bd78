// The directory's demo data: the shipped taxonomy, then each demo tenant's listings.
import type { Database } from '../db/database.ts';
import { seedListings, type SeedListingsOptions } from './listings.ts';
import type { TenantId } from './reference.ts';
import { seedTaxonomy } from './taxonomy.ts';

export interface DirectorySeedReport {
  terms: number;
  listings: number;
}

/**
 * Seeds the taxonomy and the demo listings of `tenants` (which must exist: run seedDatabase first).
 * Safe to run again: terms and listings are replaced, not duplicated.
 */
export async function seedDirectory(
  db: Database,
  tenants: readonly TenantId[],
  options: SeedListingsOptions = {},
): Promise<DirectorySeedReport> {
  const terms = await seedTaxonomy(db);
  const listings = await seedListings(db, tenants, options);
  return { terms, listings };
}
