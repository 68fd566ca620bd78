// The status commissioners count at sign-up and as it changes: employment (the NHS Data
// Dictionary's EMPLOYMENT STATUS codes, with their official labels), accommodation (settled or
// not, with its type), volunteering, and education or training. Pure: no I/O.

/** NHS Data Dictionary EMPLOYMENT STATUS (as used in MHSDS and NHS Talking Therapies). */
export const EMPLOYMENT_STATUSES = ['01', '02', '03', '04', '05', '06', '07', '08', 'ZZ'] as const;
export type EmploymentStatus = (typeof EMPLOYMENT_STATUSES)[number];

export const EMPLOYMENT_STATUS_LABELS: Record<EmploymentStatus, string> = {
  '01': 'Employed',
  '02': 'Unemployed and actively seeking work',
  '03': 'Undertaking full (at least 16 hours per week) or part-time (less than 16 hours per week) education or training as a student and not working or actively seeking work',
  '04': 'Long-term sick or disabled, those receiving government sickness and disability benefits',
  '05': 'Looking after the family or home as a homemaker and not working or actively seeking work',
  '06': 'Not receiving government sickness and disability benefits and not working or actively seeking work',
  '07': 'Unpaid voluntary work and not working or actively seeking work',
  '08': 'Retired',
  ZZ: 'Not stated (person asked but declined to provide a response)',
};

export type Accommodation = 'settled' | 'not_settled' | 'not_known';

export const ACCOMMODATION_NAMES: Record<Accommodation, string> = {
  settled: 'Settled',
  not_settled: 'Not settled',
  not_known: 'Not known',
};

/**
 * Where the person lives, grouped as settled or not, as the adult social care outcome measures
 * count them: sleeping rough, sofa surfing, hostels and temporary places are not settled.
 */
export const ACCOMMODATION_TYPES = {
  owner_occupier: { name: 'Owns their home, alone or with someone', accommodation: 'settled' },
  social_tenant: { name: 'Rents from the council or a housing association', accommodation: 'settled' },
  private_tenant: { name: 'Rents from a private landlord', accommodation: 'settled' },
  with_family: { name: 'Lives with family or friends as a settled home', accommodation: 'settled' },
  supported: { name: 'Supported accommodation or supported lodgings', accommodation: 'settled' },
  care_home: { name: 'Care home', accommodation: 'settled' },
  settled_other: { name: 'Another settled home', accommodation: 'settled' },
  rough_sleeping: { name: 'Sleeping rough', accommodation: 'not_settled' },
  sofa_surfing: { name: 'Staying with friends or family for now (sofa surfing)', accommodation: 'not_settled' },
  hostel: { name: 'Night shelter or emergency hostel', accommodation: 'not_settled' },
  temporary: { name: 'Bed and breakfast or other temporary accommodation', accommodation: 'not_settled' },
  custody: { name: 'Prison, or approved premises after prison', accommodation: 'not_settled' },
  not_settled_other: { name: 'Somewhere else that is not settled', accommodation: 'not_settled' },
  not_known: { name: 'Not known', accommodation: 'not_known' },
} as const satisfies Record<string, { name: string; accommodation: Accommodation }>;

export type AccommodationType = keyof typeof ACCOMMODATION_TYPES;
export const ACCOMMODATION_TYPE_KEYS = Object.keys(ACCOMMODATION_TYPES) as AccommodationType[];

export function isAccommodationType(value: string): value is AccommodationType {
  return Object.hasOwn(ACCOMMODATION_TYPES, value);
}

export function isEmploymentStatus(value: string): value is EmploymentStatus {
  return (EMPLOYMENT_STATUSES as readonly string[]).includes(value);
}

/** Settled, not settled or not known, from the type. */
export function accommodationOf(type: AccommodationType): Accommodation {
  return ACCOMMODATION_TYPES[type].accommodation;
}
