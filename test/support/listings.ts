// Listings for tests, saved through the same path as every real listing.
import type { Database } from '../../src/db/database.ts';
import type { ListingInput } from '../../src/features/directory/listing.ts';
import { saveListing } from '../../src/features/directory/store.ts';

export function listing(overrides: Partial<ListingInput> & { id: string; name: string }, tenantId = 'kent'): ListingInput {
  return {
    tenantId,
    organisationId: null,
    organisationName: 'Test Organisation',
    summary: '',
    description: '',
    eligibility: '',
    howToAccess: '',
    status: 'active',
    published: true,
    phone: null,
    textNumber: null,
    email: null,
    url: null,
    selfReferral: false,
    hubReferral: false,
    free: true,
    costDescription: '',
    channels: [],
    minimumAge: null,
    maximumAge: null,
    languages: ['English'],
    accessibility: [],
    fiveWays: [],
    crisis: false,
    national: false,
    serviceDistricts: [],
    termIds: [],
    source: 'lantern',
    demo: true,
    locations: [],
    hours: [],
    extra: {},
    ...overrides,
  };
}

export const at = (id: string, postcode: string) => ({ id, name: '', address1: '', city: '', postcode, district: null, latitude: null, longitude: null });

export async function saveListings(db: Database, listings: ListingInput[]): Promise<void> {
  await db.transaction(async (tx) => {
    for (const l of listings) await saveListing(tx, l);
  });
}

export async function addTerms(db: Database, terms: { id: string; taxonomy?: string; name: string; synonyms?: string; parentId?: string }[]): Promise<void> {
  for (const t of terms) {
    await db.query(
      `INSERT INTO taxonomy_terms (id, taxonomy, name, synonyms, parent_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
      [t.id, t.taxonomy ?? 'test-needs', t.name, t.synonyms ?? '', t.parentId ?? null],
    );
  }
}
