// Reference data for the demo and benchmark generator: tenants, areas (lots) and the postcode
// districts they cover, organisations, demo staff, names, and population profiles.
//
// Sources and how much to trust them:
// - Live Well Kent lots and strategic partners: Kent County Council, "Live Well Kent" report to
//   the Adult Social Care and Health Cabinet Committee (2016), in ../shared/seeds/004_*.txt:
//   Lot 1 Dartford, Gravesham & Swanley / Swale (Porchlight), Lot 2 West Kent (Shaw Trust),
//   Lot 3 Ashford, Canterbury & Coastal (Shaw Trust), Lot 4 South Kent Coast & Thanet
//   (Porchlight). Medway (a separate unitary authority, outside Live Well Kent) is added as a fifth
//   area with a fictional partner.
// - Kingston organisations named in "Thrive Kingston" (2017), ../shared/seeds/003_*.txt: Mind in
//   Kingston, iCope, Kooth, The Retreat (New Malden), the Recovery College, Good Energy Club.
// - Postcode districts: Royal Mail outward codes, assigned to lots by the local authority (and,
//   for Faversham ME13 and Sandwich CT13, the former NHS Canterbury and Coastal CCG) that holds
//   most of each district's addresses. Several districts straddle a boundary (DA3, DA4, ME5,
//   ME13, TN3, TN12, TN16, TN17, TN18, KT4, KT9): each is given to one area only, as the schema
//   requires. Every district is checked against resources/postcode-districts (test/seed.test.ts).
// - Ethnic group: ONS Census 2021, table TS021 (all usual residents), for Kent County Council's
//   area, Medway, and Kingston upon Thames, rounded to 0.1 percentage points and mapped to NHS Data
//   Dictionary ethnic category codes (Gypsy or Irish Traveller, Roma and Other White under C; Arab
//   and any other ethnic group under S). The figures are approximate: written from recollection of
//   the published tables and NOT checked against them (no network access when written). Check them
//   against Nomis (TS021) before quoting them anywhere but a demo.
// - Age and gender of people referred: assumed, shaped like adult community mental health
//   referrals (most aged 25 to 54; about 60% women). Not a published figure.
// - Everything marked "(demo)", every GP practice and every ODS code other than the two ICBs is
//   fictional. Demo phone numbers use Ofcom's drama range (07700 900000 to 900999), emails use
//   example.com / example.org, NHS numbers the 999 test range.

import type { Gender } from '../domain/gender.ts';

export type TenantId = 'kent' | 'kingston';

export const ETHNIC_CATEGORIES = [
  'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'R', 'S', 'Z',
] as const;
export type EthnicCategory = (typeof ETHNIC_CATEGORIES)[number];

/** NHS Data Dictionary ethnic category codes and their labels. */
export const ETHNIC_CATEGORY_LABELS: Record<EthnicCategory, string> = {
  A: 'White: British',
  B: 'White: Irish',
  C: 'White: Any other White background',
  D: 'Mixed: White and Black Caribbean',
  E: 'Mixed: White and Black African',
  F: 'Mixed: White and Asian',
  G: 'Mixed: Any other mixed background',
  H: 'Asian or Asian British: Indian',
  J: 'Asian or Asian British: Pakistani',
  K: 'Asian or Asian British: Bangladeshi',
  L: 'Asian or Asian British: Any other Asian background',
  M: 'Black or Black British: Caribbean',
  N: 'Black or Black British: African',
  P: 'Black or Black British: Any other Black background',
  R: 'Other ethnic groups: Chinese',
  S: 'Other ethnic groups: Any other ethnic group',
  Z: 'Not stated',
};

export type StatedEthnicCategory = Exclude<EthnicCategory, 'Z'>;

/** Census 2021 percentages by ethnic category (each profile sums to 100). */
export type EthnicityProfile = Record<StatedEthnicCategory, number>;

export const ETHNICITY_PROFILES = {
  // Kent County Council area (1.58 million people)
  kent: {
    A: 85.1, B: 0.6, C: 4.1,
    D: 0.7, E: 0.4, F: 0.7, G: 0.7,
    H: 1.4, J: 0.3, K: 0.3, L: 1.8, R: 0.5,
    M: 0.2, N: 1.6, P: 0.2,
    S: 1.4,
  },
  // Medway (0.28 million people)
  medway: {
    A: 77.6, B: 0.5, C: 5.9,
    D: 1.0, E: 0.7, F: 0.6, G: 0.8,
    H: 2.0, J: 0.5, K: 0.6, L: 1.9, R: 0.7,
    M: 0.4, N: 4.7, P: 0.3,
    S: 1.8,
  },
  // Royal Borough of Kingston upon Thames (0.17 million people)
  kingston: {
    A: 53.0, B: 1.3, C: 14.0,
    D: 0.7, E: 0.6, F: 1.8, G: 1.8,
    H: 5.6, J: 2.1, K: 0.8, L: 9.0, R: 2.3,
    M: 0.5, N: 1.6, P: 0.4,
    S: 4.5,
  },
} as const satisfies Record<string, EthnicityProfile>;
export type EthnicityProfileName = keyof typeof ETHNICITY_PROFILES;

/** Share of people whose ethnic category is recorded as Z, not stated (service records, not census). */
export const ETHNICITY_NOT_STATED_SHARE = 0.03;

export type { Gender } from '../domain/gender.ts';
export const GENDER_WEIGHTS: readonly (readonly [Gender, number])[] = [
  ['female', 59],
  ['male', 38],
  ['non-binary', 1.2],
  ['not-stated', 1.8],
];

/** Age bands (years, inclusive) of people referred, with weights. Everyone is 17 or over. */
export const AGE_BANDS: readonly (readonly [readonly [number, number], number])[] = [
  [[17, 24], 15],
  [[25, 34], 22],
  [[35, 44], 20],
  [[45, 54], 18],
  [[55, 64], 13],
  [[65, 74], 7],
  [[75, 84], 4],
  [[85, 99], 1],
];
export const MINIMUM_AGE = 17;

export type OrganisationKind =
  | 'commissioner'
  | 'single_point_of_access'
  | 'strategic_partner'
  | 'delivery_provider'
  | 'gp_practice'
  | 'referrer';

export interface OrganisationReference {
  /** Stable key within the tenant: the organisation's id is derived from it. */
  key: string;
  name: string;
  kind: OrganisationKind;
  /** The area (by name) where the organisation is local; none for tenant-wide organisations. */
  area?: string;
  odsCode?: string;
  /** The source its referrals count under (GP practices: gp; delivery providers: delivery_network). */
  referralSource?: string;
}

export interface AreaReference {
  name: string;
  /** Relative adult population: how many generated people live here. */
  weight: number;
  ethnicity: EthnicityProfileName;
  /** Key of the strategic partner organisation responsible for the area. */
  strategicPartner: string;
  /** Postcode districts (outward codes) with relative population weights. */
  districts: readonly (readonly [string, number])[];
}

export type StaffRole = 'admin' | 'triage' | 'navigator' | 'provider' | 'commissioner' | 'referrer';

export interface StaffReference {
  /** Email local part; the address is `${login}@${tenant}.demo.lantern.test`. */
  login: string;
  role: StaffRole;
  name: string;
  /** Key of the staff member's organisation. */
  organisation: string;
  /** sees the whole organisation's caseloads */
  teamLead?: boolean;
}

export interface TenantReference {
  id: TenantId;
  name: string;
  areas: readonly AreaReference[];
  organisations: readonly OrganisationReference[];
  staff: readonly StaffReference[];
  /** Name pools for ethnic category L (any other Asian background), which differs most by place. */
  otherAsianNames: readonly (readonly [NamePoolName, number])[];
  /** The tenant's settings (src/platform/tenant-settings.ts) that differ from the defaults. */
  settings: Record<string, unknown>;
}

const DGSS = 'Dartford, Gravesham and Swanley with Swale';
const WEST_KENT = 'West Kent';
const ACC = 'Ashford, Canterbury and Coastal';
const SKCT = 'South Kent Coast and Thanet';
const MEDWAY = 'Medway';
const KINGSTON = 'Kingston';

const gp = (key: string, name: string, area: string, odsCode: string): OrganisationReference => ({
  key,
  name: `${name} (demo)`,
  kind: 'gp_practice',
  area,
  odsCode,
});

export const KENT: TenantReference = {
  id: 'kent',
  name: 'Kent and Medway',
  areas: [
    {
      name: DGSS,
      weight: 380,
      ethnicity: 'kent',
      strategicPartner: 'porchlight-dgss',
      districts: [
        ['DA1', 5], ['DA2', 3], ['DA3', 2], ['DA4', 1], ['DA9', 2], ['DA10', 1], ['DA11', 4],
        ['DA12', 4], ['DA13', 1.5], ['BR8', 2.5], ['ME9', 2], ['ME10', 4.5], ['ME11', 0.5],
        ['ME12', 3.5],
      ],
    },
    {
      name: WEST_KENT,
      weight: 520,
      ethnicity: 'kent',
      strategicPartner: 'shaw-trust-west-kent',
      districts: [
        ['ME6', 1.2], ['ME14', 4], ['ME15', 4.5], ['ME16', 3], ['ME17', 2], ['ME18', 1.5],
        ['ME19', 2], ['ME20', 2.5], ['TN1', 1.2], ['TN2', 3], ['TN3', 1], ['TN4', 2.5],
        ['TN8', 1], ['TN9', 2], ['TN10', 2], ['TN11', 1], ['TN12', 2], ['TN13', 2],
        ['TN14', 1.3], ['TN15', 2], ['TN16', 0.7], ['TN17', 1.2], ['TN18', 0.6],
      ],
    },
    {
      name: ACC,
      weight: 315,
      ethnicity: 'kent',
      strategicPartner: 'shaw-trust-acc',
      districts: [
        ['TN23', 4.5], ['TN24', 3], ['TN25', 1.2], ['TN26', 1], ['TN27', 0.8], ['TN30', 1],
        ['CT1', 3], ['CT2', 3], ['CT3', 1], ['CT4', 0.8], ['CT5', 3], ['CT6', 3], ['CT13', 0.8],
        ['ME13', 2.5],
      ],
    },
    {
      name: SKCT,
      weight: 360,
      ethnicity: 'kent',
      strategicPartner: 'porchlight-skct',
      districts: [
        ['CT14', 2.5], ['CT15', 1.2], ['CT16', 2], ['CT17', 1.5], ['CT18', 0.7], ['CT19', 2.5],
        ['CT20', 1.2], ['CT21', 2], ['TN28', 1], ['TN29', 0.7], ['CT7', 1], ['CT8', 0.6],
        ['CT9', 3], ['CT10', 2], ['CT11', 2.3], ['CT12', 1.6],
      ],
    },
    {
      name: MEDWAY,
      weight: 280,
      ethnicity: 'medway',
      strategicPartner: 'medway-wellbeing',
      districts: [['ME1', 2], ['ME2', 2.5], ['ME3', 1.3], ['ME4', 2.5], ['ME5', 3], ['ME7', 3], ['ME8', 3.5]],
    },
  ],
  organisations: [
    { key: 'icb', name: 'NHS Kent and Medway Integrated Care Board', kind: 'commissioner', odsCode: 'QKS' },
    { key: 'spa', name: 'Live Well Kent Single Point of Access', kind: 'single_point_of_access' },
    { key: 'porchlight-dgss', name: `Porchlight (${DGSS})`, kind: 'strategic_partner', area: DGSS },
    { key: 'shaw-trust-west-kent', name: `Shaw Trust (${WEST_KENT})`, kind: 'strategic_partner', area: WEST_KENT },
    { key: 'shaw-trust-acc', name: `Shaw Trust (${ACC})`, kind: 'strategic_partner', area: ACC },
    { key: 'porchlight-skct', name: `Porchlight (${SKCT})`, kind: 'strategic_partner', area: SKCT },
    { key: 'medway-wellbeing', name: 'Medway Wellbeing Partnership (demo)', kind: 'strategic_partner', area: MEDWAY },
    { key: 'mhm', name: 'Mental Health Matters', kind: 'delivery_provider' },
    { key: 'kent-sport', name: 'Kent Sport (demo)', kind: 'delivery_provider' },
    { key: 'citizens-advice', name: 'Citizens Advice in Kent (debt advice)', kind: 'delivery_provider' },
    { key: 'recovery-college', name: 'Kent and Medway Recovery College', kind: 'delivery_provider' },
    { key: 'dartford-shed', name: "Dartford Men's Shed (demo)", kind: 'delivery_provider', area: DGSS },
    { key: 'sittingbourne-cafe', name: 'Sittingbourne Peer Support Café (demo)', kind: 'delivery_provider', area: DGSS },
    { key: 'maidstone-allotment', name: 'Maidstone Allotment Project (demo)', kind: 'delivery_provider', area: WEST_KENT },
    { key: 'tw-green-gym', name: 'Tunbridge Wells Green Gym (demo)', kind: 'delivery_provider', area: WEST_KENT },
    { key: 'ashford-walking', name: 'Ashford Walking for Health (demo)', kind: 'delivery_provider', area: ACC },
    { key: 'canterbury-art', name: 'Canterbury Art in Mind (demo)', kind: 'delivery_provider', area: ACC },
    { key: 'thanet-singing', name: 'Singing for Wellbeing Thanet (demo)', kind: 'delivery_provider', area: SKCT },
    { key: 'folkestone-swim', name: 'Folkestone Sea Swimming Group (demo)', kind: 'delivery_provider', area: SKCT },
    { key: 'medway-cook', name: 'Medway Cook and Eat (demo)', kind: 'delivery_provider', area: MEDWAY },
    { key: 'gillingham-football', name: 'Gillingham Football for Wellbeing (demo)', kind: 'delivery_provider', area: MEDWAY },
    gp('gp-dgss-1', 'Riverside Surgery', DGSS, 'G82901'),
    gp('gp-dgss-2', 'Thames View Medical Centre', DGSS, 'G82902'),
    gp('gp-dgss-3', 'Sheppey Harbour Practice', DGSS, 'G82903'),
    gp('gp-wk-1', 'Medway Valley Surgery', WEST_KENT, 'G82911'),
    gp('gp-wk-2', 'Pantiles Health Centre', WEST_KENT, 'G82912'),
    gp('gp-wk-3', 'Weald Family Practice', WEST_KENT, 'G82913'),
    gp('gp-acc-1', 'Stour Valley Surgery', ACC, 'G82921'),
    gp('gp-acc-2', 'Cathedral View Practice', ACC, 'G82922'),
    gp('gp-acc-3', 'Whitstable Bay Medical Centre', ACC, 'G82923'),
    gp('gp-skct-1', 'White Cliffs Surgery', SKCT, 'G82931'),
    gp('gp-skct-2', 'Harbour Arm Practice', SKCT, 'G82932'),
    gp('gp-skct-3', 'Isle of Thanet Health Centre', SKCT, 'G82933'),
    gp('gp-medway-1', 'Dockside Surgery', MEDWAY, 'G82941'),
    gp('gp-medway-2', 'Castle View Medical Practice', MEDWAY, 'G82942'),
    gp('gp-medway-3', 'Lordswood Family Practice', MEDWAY, 'G82943'),
    { key: 'police', name: 'Kent Police', kind: 'referrer', referralSource: 'police' },
    { key: 'probation', name: 'Probation Service (Kent, Surrey and Sussex)', kind: 'referrer', referralSource: 'probation' },
    { key: 'kmpt', name: 'Kent and Medway NHS and Social Care Partnership Trust', kind: 'referrer', referralSource: 'secondary_mental_health' },
    { key: 'camhs', name: 'Kent and Medway Children and Young People’s Mental Health Service (demo)', kind: 'referrer', referralSource: 'camhs' },
  ],
  staff: [
    { login: 'admin', role: 'admin', name: 'Helen Marsh', organisation: 'spa' },
    { login: 'triage', role: 'triage', name: 'Priya Chauhan', organisation: 'spa' },
    { login: 'navigator', role: 'navigator', name: 'Tom Okafor', organisation: 'porchlight-dgss', teamLead: true },
    { login: 'navigator2', role: 'navigator', name: 'Sarah Whitfield', organisation: 'shaw-trust-west-kent' },
    { login: 'navigator3', role: 'navigator', name: 'Grace Adeyemi', organisation: 'porchlight-dgss' },
    { login: 'provider', role: 'provider', name: 'Gareth Lewis', organisation: 'dartford-shed' },
    { login: 'commissioner', role: 'commissioner', name: 'Fiona Campbell', organisation: 'icb' },
    { login: 'referrer', role: 'referrer', name: 'Dr Amara Nwosu', organisation: 'gp-dgss-1' },
  ],
  otherAsianNames: [['nepali', 55], ['filipino', 25], ['tamil', 20]],
  settings: { serviceName: 'Live Well Kent', triageEmail: 'livewellkent-spa@example.org' },
};

export const KINGSTON_TENANT: TenantReference = {
  id: 'kingston',
  name: 'Kingston upon Thames',
  areas: [
    {
      name: KINGSTON,
      weight: 170,
      ethnicity: 'kingston',
      strategicPartner: 'mind-in-kingston',
      districts: [['KT1', 2.5], ['KT2', 3], ['KT3', 3.5], ['KT4', 1.2], ['KT5', 2], ['KT6', 2.5], ['KT9', 1.2]],
    },
  ],
  organisations: [
    {
      key: 'commissioner',
      name: 'Kingston Council and NHS South West London Integrated Care Board',
      kind: 'commissioner',
      odsCode: 'QWE',
    },
    { key: 'spa', name: 'Kingston Wellbeing Service Single Point of Access', kind: 'single_point_of_access' },
    { key: 'mind-in-kingston', name: 'Mind in Kingston', kind: 'strategic_partner', area: KINGSTON },
    // A second, borough-wide partner so that access tests can tell two partners' navigators apart.
    { key: 'navigators', name: 'Kingston Wellbeing Navigators (demo)', kind: 'strategic_partner' },
    { key: 'recovery-college', name: 'Kingston Recovery College', kind: 'delivery_provider', area: KINGSTON },
    { key: 'icope', name: 'iCope (demo)', kind: 'delivery_provider', area: KINGSTON },
    { key: 'kooth', name: 'Kooth', kind: 'delivery_provider' },
    { key: 'retreat', name: 'The Retreat', kind: 'delivery_provider', area: KINGSTON },
    { key: 'good-energy', name: 'Good Energy Club', kind: 'delivery_provider', area: KINGSTON },
    { key: 'mind-football', name: 'Mind in Kingston Football (demo)', kind: 'delivery_provider', area: KINGSTON },
    { key: 'malden-garden', name: 'New Malden Community Garden (demo)', kind: 'delivery_provider', area: KINGSTON },
    gp('gp-1', 'Fairfield Surgery', KINGSTON, 'H84901'),
    gp('gp-2', 'Surbiton Riverside Practice', KINGSTON, 'H84902'),
    gp('gp-3', 'New Malden Green Medical Centre', KINGSTON, 'H84903'),
    gp('gp-4', 'Tolworth Broadway Surgery', KINGSTON, 'H84904'),
    gp('gp-5', 'Chessington Park Practice', KINGSTON, 'H84905'),
    { key: 'police', name: 'Metropolitan Police (South West)', kind: 'referrer', referralSource: 'police' },
    { key: 'probation', name: 'Probation Service (London)', kind: 'referrer', referralSource: 'probation' },
    { key: 'swlstg', name: "South West London and St George's Mental Health NHS Trust", kind: 'referrer', referralSource: 'secondary_mental_health' },
  ],
  staff: [
    { login: 'admin', role: 'admin', name: 'James Holloway', organisation: 'spa' },
    { login: 'triage', role: 'triage', name: 'Min-jun Park', organisation: 'spa' },
    { login: 'navigator', role: 'navigator', name: 'Aisha Rahman', organisation: 'mind-in-kingston', teamLead: true },
    { login: 'navigator2', role: 'navigator', name: 'Daniel Kowalski', organisation: 'navigators' },
    { login: 'navigator3', role: 'navigator', name: 'Leah Osei', organisation: 'mind-in-kingston' },
    { login: 'provider', role: 'provider', name: 'Chloe Bennett', organisation: 'recovery-college' },
    { login: 'commissioner', role: 'commissioner', name: 'Rajesh Patel', organisation: 'commissioner' },
    { login: 'referrer', role: 'referrer', name: 'Dr Oliver Grant', organisation: 'gp-1' },
  ],
  otherAsianNames: [['korean', 50], ['tamil', 35], ['filipino', 15]],
  settings: { serviceName: 'Kingston Wellbeing Service', triageEmail: 'kingston-wellbeing-spa@example.org' },
};

export const TENANTS: Record<TenantId, TenantReference> = { kent: KENT, kingston: KINGSTON_TENANT };

export function staffEmail(tenant: TenantId, login: string): string {
  return `${login}@${tenant}.demo.lantern.test`;
}

// ---------------------------------------------------------------------------------------------
// Names. Common given and family names in the UK, grouped loosely by cultural background so that
// a generated person's name is plausible for their recorded ethnic category. Names are chosen from
// the ONS "baby names" lists (for the British pool, across several decades, since the people are
// adults) and from names common in each community in the UK. A demo, not a model of naming.

export interface NamePool {
  female: readonly string[];
  male: readonly string[];
  family: readonly string[];
}

export const NAME_POOLS = {
  british: {
    female: [
      'Olivia', 'Amelia', 'Isla', 'Ava', 'Emily', 'Sophie', 'Grace', 'Lily', 'Jessica', 'Chloe',
      'Ella', 'Charlotte', 'Mia', 'Evie', 'Ruby', 'Poppy', 'Holly', 'Hannah', 'Lucy', 'Megan',
      'Katie', 'Lauren', 'Rebecca', 'Amy', 'Laura', 'Emma', 'Sarah', 'Gemma', 'Rachel', 'Nicola',
      'Claire', 'Kelly', 'Lisa', 'Michelle', 'Joanne', 'Louise', 'Helen', 'Victoria', 'Kirsty',
      'Stacey', 'Samantha', 'Natalie', 'Zoe', 'Jade', 'Leanne', 'Donna', 'Tracey', 'Julie',
      'Karen', 'Susan', 'Angela', 'Alison', 'Wendy', 'Deborah', 'Amanda', 'Jacqueline', 'Dawn',
      'Sharon', 'Elaine', 'Carol', 'Linda', 'Patricia', 'Margaret', 'Janet', 'Christine',
      'Pauline', 'Brenda', 'Jean', 'Sandra', 'Maureen', 'Valerie', 'Sheila', 'Barbara',
      'Jennifer', 'Elizabeth', 'Catherine', 'Eleanor', 'Freya', 'Phoebe', 'Abigail', 'Georgia',
      'Millie', 'Ellie', 'Bethany', 'Jodie', 'Kayleigh', 'Danielle',
    ],
    male: [
      'Oliver', 'George', 'Harry', 'Jack', 'Jacob', 'Charlie', 'Thomas', 'James', 'William',
      'Joshua', 'Alfie', 'Henry', 'Daniel', 'Samuel', 'Joseph', 'Benjamin', 'Ethan', 'Lewis',
      'Ryan', 'Liam', 'Callum', 'Connor', 'Jordan', 'Luke', 'Matthew', 'Adam', 'Jamie', 'Kieran',
      'Nathan', 'Bradley', 'Dean', 'Lee', 'Craig', 'Darren', 'Wayne', 'Jason', 'Scott', 'Mark',
      'Paul', 'Stephen', 'Andrew', 'David', 'Richard', 'Michael', 'Christopher', 'Simon', 'Gary',
      'Neil', 'Ian', 'Martin', 'Kevin', 'Steven', 'Robert', 'Peter', 'John', 'Anthony', 'Keith',
      'Graham', 'Colin', 'Brian', 'Derek', 'Trevor', 'Roger', 'Terry', 'Barry', 'Alan', 'Kenneth',
      'Dennis', 'Raymond', 'Malcolm', 'Edward', 'Alexander', 'Max', 'Archie', 'Reece', 'Tyler',
      'Owen', 'Toby', 'Elliot', 'Rhys', 'Stuart',
    ],
    family: [
      'Smith', 'Jones', 'Williams', 'Taylor', 'Brown', 'Davies', 'Evans', 'Wilson', 'Thomas',
      'Johnson', 'Roberts', 'Robinson', 'Thompson', 'Wright', 'Walker', 'White', 'Edwards',
      'Hughes', 'Green', 'Hall', 'Lewis', 'Harris', 'Clarke', 'Jackson', 'Wood', 'Turner',
      'Martin', 'Cooper', 'Hill', 'Ward', 'Morris', 'Moore', 'Clark', 'Lee', 'King', 'Baker',
      'Harrison', 'Morgan', 'Allen', 'James', 'Scott', 'Phillips', 'Watson', 'Davis', 'Parker',
      'Price', 'Bennett', 'Young', 'Griffiths', 'Mitchell', 'Kelly', 'Cook', 'Carter',
      'Richardson', 'Bailey', 'Collins', 'Bell', 'Shaw', 'Murphy', 'Miller', 'Cox', 'Richards',
      'Marshall', 'Anderson', 'Simpson', 'Ellis', 'Adams', 'Wilkinson', 'Foster', 'Chapman',
      'Powell', 'Webb', 'Rogers', 'Gray', 'Mason', 'Hunt', 'Holmes', 'Palmer', 'Mills', 'Barnes',
      'Knight', 'Lloyd', 'Butler', 'Russell', 'Barker', 'Fisher', 'Stevens', 'Jenkins', 'Dixon',
      'Fletcher', 'Howard', 'Campbell', 'Reynolds', 'Pearce', 'Andrews', 'Elliott', 'Ford',
      'Gibson', 'Hudson', 'Lane', 'Matthews', 'Newman', 'Payne', 'Rose', 'Saunders', 'Spencer',
      'Stone', 'Watts', 'Wells', 'Woods', 'Hamilton', 'Graham', 'Murray', 'Reid', 'Stewart',
      'Sutton', 'Fox', 'Holland', 'Hart', 'Day', 'Lawrence', 'Page', 'Sharp', 'Pope', 'Bishop',
      'Cole', 'Norris', 'Hayes', 'Goodwin', 'Booth', 'Finch', 'Harvey', 'Holt', 'Bird', 'Lamb',
      'Marsh', 'Nash', 'Whitfield', 'Hobbs', 'Ashby', 'Gilbert', 'Ovenden', 'Hoad', 'Fagg',
    ],
  },
  irish: {
    female: ['Aoife', 'Siobhan', 'Niamh', 'Ciara', 'Orla', 'Sinead', 'Roisin', 'Aisling', 'Mairead', 'Bridget', 'Maeve', 'Clodagh', 'Mary', 'Kathleen'],
    male: ['Sean', 'Patrick', 'Ciaran', 'Declan', 'Conor', 'Eoin', 'Niall', 'Cormac', 'Padraig', 'Liam', 'Darragh', 'Brendan', 'Michael', 'Kevin'],
    family: [
      'Murphy', 'Kelly', "O'Brien", 'Byrne', 'Ryan', "O'Sullivan", 'Walsh', "O'Connor", 'McCarthy',
      'Doyle', 'Gallagher', 'Lynch', 'Kennedy', 'Quinn', 'Brennan', 'Fitzgerald', 'Donnelly', 'Keane',
    ],
  },
  caribbean: {
    female: ['Shanice', 'Tanisha', 'Keisha', 'Marcia', 'Beverley', 'Claudette', 'Monique', 'Jasmine', 'Simone', 'Natasha', 'Sonia', 'Paulette'],
    male: ['Marcus', 'Tyrone', 'Delroy', 'Winston', 'Leroy', 'Jermaine', 'Andre', 'Dwayne', 'Errol', 'Clive', 'Nathaniel', 'Kemar'],
    family: [
      'Campbell', 'Brown', 'Williams', 'Clarke', 'Francis', 'Grant', 'Henry', 'Bailey', 'Thompson',
      'Reid', 'Gordon', 'Forbes', 'Morgan', 'Samuels', 'Bennett', 'Richards', 'Lindo', 'McKenzie',
    ],
  },
  european: {
    female: [
      'Agnieszka', 'Katarzyna', 'Magdalena', 'Joanna', 'Anna', 'Monika', 'Ioana', 'Elena', 'Andreea',
      'Maria', 'Ana', 'Giulia', 'Francesca', 'Kristina', 'Ieva', 'Sofia', 'Beatriz', 'Petra', 'Zsófia',
    ],
    male: [
      'Piotr', 'Tomasz', 'Krzysztof', 'Łukasz', 'Marcin', 'Andrei', 'Mihai', 'Alexandru', 'Marius',
      'Jonas', 'Tomas', 'Dimitar', 'Georgi', 'João', 'Miguel', 'Marco', 'Luca', 'Stefan', 'Mateusz',
    ],
    family: [
      'Kowalski', 'Nowak', 'Wiśniewski', 'Wójcik', 'Kamiński', 'Lewandowski', 'Popescu', 'Ionescu',
      'Popa', 'Kazlauskas', 'Petrauskas', 'Ivanov', 'Georgiev', 'Silva', 'Santos', 'Ferreira',
      'Rossi', 'Russo', 'Nagy', 'Horváth', 'Müller', 'Schmidt', 'García', 'Papadopoulos',
    ],
  },
  indian: {
    female: ['Priya', 'Anjali', 'Pooja', 'Neha', 'Kavita', 'Sunita', 'Harpreet', 'Manpreet', 'Simran', 'Jaspreet', 'Deepa', 'Meera', 'Asha', 'Divya', 'Nisha', 'Rupinder'],
    male: ['Rajesh', 'Amit', 'Sanjay', 'Vikram', 'Arjun', 'Rohan', 'Harjit', 'Gurpreet', 'Jaswinder', 'Sandeep', 'Anil', 'Ravi', 'Suresh', 'Nikhil', 'Manjit', 'Dev'],
    family: ['Patel', 'Sharma', 'Singh', 'Kaur', 'Gill', 'Sandhu', 'Dhillon', 'Shah', 'Mistry', 'Chauhan', 'Kumar', 'Gupta', 'Joshi', 'Mehta', 'Desai', 'Bains', 'Sidhu', 'Parmar'],
  },
  pakistani: {
    female: ['Aisha', 'Fatima', 'Ayesha', 'Zainab', 'Maryam', 'Amina', 'Sana', 'Nadia', 'Hina', 'Shabana', 'Saima', 'Uzma'],
    male: ['Mohammed', 'Muhammad', 'Ali', 'Hassan', 'Imran', 'Bilal', 'Usman', 'Tariq', 'Asif', 'Kamran', 'Zubair', 'Faisal'],
    family: ['Khan', 'Ahmed', 'Hussain', 'Ali', 'Iqbal', 'Akhtar', 'Mahmood', 'Rashid', 'Shah', 'Malik', 'Butt', 'Raja', 'Qureshi', 'Anwar'],
  },
  bangladeshi: {
    female: ['Rahima', 'Taslima', 'Shirin', 'Nasrin', 'Farhana', 'Sumaiya', 'Tahmina', 'Jannat', 'Ruksana', 'Sadia'],
    male: ['Abdul', 'Rahim', 'Nazrul', 'Sohel', 'Shahid', 'Mohammed', 'Jamal', 'Kamal', 'Rafiq', 'Anwar'],
    family: ['Begum', 'Uddin', 'Miah', 'Rahman', 'Islam', 'Hossain', 'Chowdhury', 'Ahmed', 'Ali', 'Khatun', 'Alam', 'Hoque'],
  },
  nepali: {
    female: ['Sita', 'Gita', 'Sabina', 'Anita', 'Sunita', 'Mina', 'Sarita', 'Pratima', 'Kamala', 'Laxmi'],
    male: ['Ram', 'Bishnu', 'Hari', 'Krishna', 'Dil', 'Prakash', 'Suman', 'Bikash', 'Rajendra', 'Dipak'],
    family: ['Gurung', 'Rai', 'Limbu', 'Magar', 'Thapa', 'Tamang', 'Shrestha', 'Pun', 'Ghale', 'Sherpa'],
  },
  tamil: {
    female: ['Tharshini', 'Kavitha', 'Nirmala', 'Shanthi', 'Vasuki', 'Abirami', 'Luxmi', 'Sharmila'],
    male: ['Kajan', 'Thusyanthan', 'Senthil', 'Nirojan', 'Kumaran', 'Sivakumar', 'Ragavan', 'Mathan'],
    family: ['Sivarajah', 'Balasubramaniam', 'Tharmalingam', 'Rajendran', 'Selvarajah', 'Kanagaratnam', 'Sivanesan', 'Arumugam', 'Nadarajah'],
  },
  korean: {
    female: ['Ji-yeon', 'Min-ji', 'Seo-yeon', 'Soo-jin', 'Eun-ji', 'Hye-jin', 'Ji-woo', 'Yuna'],
    male: ['Min-jun', 'Ji-ho', 'Seung-woo', 'Dong-hyun', 'Jae-won', 'Hyun-woo', 'Sung-min', 'Joon-young'],
    family: ['Kim', 'Lee', 'Park', 'Choi', 'Jung', 'Kang', 'Cho', 'Yoon', 'Jang', 'Lim'],
  },
  filipino: {
    female: ['Maria', 'Rosalie', 'Marites', 'Joy', 'Cristina', 'Analyn', 'Rowena', 'Jennifer'],
    male: ['Jose', 'Mark', 'Rommel', 'Ramon', 'Arnel', 'Jerome', 'Christian', 'Reynaldo'],
    family: ['Santos', 'Reyes', 'Cruz', 'Bautista', 'Garcia', 'Mendoza', 'Dela Cruz', 'Ramos', 'Aquino', 'Villanueva'],
  },
  chinese: {
    female: ['Mei', 'Xin', 'Yan', 'Jing', 'Hui', 'Ying', 'Lina', 'Xiaoling', 'Grace', 'Michelle', 'Jenny', 'Wing'],
    male: ['Wei', 'Jun', 'Hao', 'Lei', 'Jian', 'Ming', 'Tao', 'Kevin', 'Jason', 'Ka Wai', 'Chi Keung', 'Yong'],
    family: ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Chan', 'Wong', 'Lam', 'Cheung', 'Ho', 'Leung'],
  },
  african: {
    female: [
      'Chioma', 'Ngozi', 'Funmilayo', 'Adaeze', 'Blessing', 'Abena', 'Akosua', 'Ama', 'Rutendo',
      'Nyasha', 'Faith', 'Esther', 'Hodan', 'Fadumo', 'Mercy', 'Folake',
    ],
    male: [
      'Chukwuemeka', 'Oluwaseun', 'Tunde', 'Emeka', 'Kwame', 'Kofi', 'Kwabena', 'Tatenda', 'Farai',
      'Abdi', 'Mohamed', 'Samuel', 'Emmanuel', 'Ibrahim', 'Olumide', 'Tendai',
    ],
    family: [
      'Okafor', 'Adeyemi', 'Okonkwo', 'Adebayo', 'Ogunleye', 'Eze', 'Nwosu', 'Mensah', 'Boateng',
      'Asante', 'Owusu', 'Osei', 'Moyo', 'Ncube', 'Dube', 'Abdi', 'Mohamed', 'Warsame', 'Kamara', 'Conteh',
    ],
  },
  middleEastern: {
    female: ['Layla', 'Noor', 'Mariam', 'Yasmin', 'Leila', 'Zahra', 'Rana', 'Dilan', 'Elif', 'Zeynep', 'Parisa', 'Fatemeh', 'Hevi'],
    male: ['Ahmad', 'Omar', 'Khalid', 'Youssef', 'Karim', 'Mustafa', 'Hamid', 'Reza', 'Mehmet', 'Emre', 'Hasan', 'Dara', 'Rebwar', 'Nawid'],
    family: [
      'Al-Sayed', 'Haddad', 'Mansour', 'Nasser', 'Hamdan', 'Yilmaz', 'Kaya', 'Demir', 'Şahin',
      'Ahmadi', 'Hosseini', 'Rezaei', 'Karimi', 'Aziz', 'Amini', 'Mohammadi', 'Barzani',
    ],
  },
} as const satisfies Record<string, NamePool>;
export type NamePoolName = keyof typeof NAME_POOLS;

/**
 * Which name pools a person of each ethnic category draws from (weights). 'L' is replaced by the
 * tenant's `otherAsianNames`. Mixed and not-stated categories draw from several pools.
 */
export const NAME_POOLS_BY_ETHNICITY: Record<EthnicCategory, readonly (readonly [NamePoolName, number])[]> = {
  A: [['british', 1]],
  B: [['irish', 75], ['british', 25]],
  C: [['european', 90], ['british', 10]],
  D: [['british', 60], ['caribbean', 40]],
  E: [['british', 50], ['african', 50]],
  F: [['british', 60], ['indian', 20], ['chinese', 10], ['pakistani', 10]],
  G: [['british', 50], ['european', 10], ['middleEastern', 10], ['african', 10], ['caribbean', 10], ['filipino', 10]],
  H: [['indian', 92], ['british', 8]],
  J: [['pakistani', 95], ['british', 5]],
  K: [['bangladeshi', 95], ['british', 5]],
  L: [['nepali', 50], ['tamil', 25], ['filipino', 25]],
  M: [['caribbean', 85], ['british', 15]],
  N: [['african', 95], ['british', 5]],
  P: [['african', 45], ['caribbean', 45], ['british', 10]],
  R: [['chinese', 90], ['british', 10]],
  S: [['middleEastern', 80], ['british', 10], ['european', 10]],
  Z: [['british', 75], ['european', 10], ['african', 5], ['indian', 5], ['chinese', 5]],
};
