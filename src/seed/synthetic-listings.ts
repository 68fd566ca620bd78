// Synthetic directory listings across England, for benchmarks: any number, deterministic, fast.
//
// Listing i depends only on the seed and i (each has its own random stream), so the same seed
// gives identical rows whatever the batch size, and the first N listings of a larger run are the N
// of a smaller one.
//
// Speed: rows go in with one `INSERT ... SELECT FROM unnest(...)` per table per batch instead of
// saveListing's six statements per listing. The derived columns are made exactly as saveListing
// makes them (placeLocation for districts and positions, isAlwaysOpen for open_24_hours, the same
// keywords SQL over taxonomy_terms, wordsOf for the typo-tolerance vocabulary);
// test/seed-directory.test.ts checks that a bulk-made listing reads back the same as one saved
// through saveListing, so the two paths cannot drift apart.
import crypto from 'node:crypto';
import type { Database, Transaction } from '../db/database.ts';
import type { District } from '../domain/places.ts';
import { isAlwaysOpen } from '../domain/opening-hours.ts';
import { parsePostcode } from '../domain/postcode.ts';
import type {
  Accessibility,
  Channel,
  Day,
  FiveWay,
  ListingHours,
  ListingInput,
  ListingLocation,
  ServiceStatus,
} from '../features/directory/listing.ts';
import { DAYS } from '../features/directory/listing.ts';
import { placeLocation, wordsOf } from '../features/directory/store.ts';
import { loadDistrictTable } from '../platform/places.ts';
import { DEFAULT_AS_OF } from './generate.ts';
import { Random, weightedPicker } from './random.ts';
import { fiveWayTermId, needTermId } from './taxonomy.ts';

export interface SyntheticListingOptions {
  /** The tenant that holds the listings (it must exist). */
  tenantId: string;
  count: number;
  /** Any string; the same seed gives the same listings. */
  seed: string;
  /** Listings per INSERT (default DEFAULT_SYNTHETIC_BATCH_SIZE). */
  batchSize?: number;
  /** ISO date-time that "last confirmed" dates are relative to (default DEFAULT_AS_OF). */
  asOf?: string;
}

export interface SyntheticListingReport {
  tenantId: string;
  seed: string;
  listings: number;
  locations: number;
  hours: number;
  terms: number;
  millis: number;
  /** Time spent making rows in JavaScript. */
  generateMillis: number;
}

export const DEFAULT_SYNTHETIC_BATCH_SIZE = 2_000;
export const SYNTHETIC_SOURCE = 'synthetic';

const DAY_MS = 86_400_000;
/** Letters Royal Mail uses in the inward code (never C, I, K, M, O or V). */
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';
const METRES_PER_DEGREE = 111_320;
/** Positions are jittered up to this far from the district centroid. */
const JITTER_METRES = 2_000;

// ---------------------------------------------------------------------------------------------
// What kinds of listing there are. Weights are rough shares of a real directory.

type HoursPattern = 'office' | 'sessions' | 'evening' | 'always' | 'overnight' | 'extended' | 'none';

interface Kind {
  weight: number;
  name: (town: string) => string;
  summary: string;
  description: string;
  eligibility: string;
  needs: string[];
  /** Extra needs, each added with a chance of one in three. */
  maybeNeeds?: string[];
  fiveWays: FiveWay[];
  channels: Channel[];
  hours: HoursPattern;
  crisis?: boolean;
  ages?: Ages;
}

/** [minimum age, maximum age] with weights. */
type Ages = readonly (readonly [readonly [number | null, number | null], number])[];
const ADULTS: Ages = [[[18, null], 70], [[16, null], 15], [[null, null], 15]];
const ANYONE: Ages = [[[null, null], 70], [[18, null], 20], [[16, null], 10]];

const ACTIVITIES: readonly [string, string[], FiveWay[], string][] = [
  ['Walking', ['walking', 'physical-activity'], ['be_active', 'take_notice', 'connect'], 'gentle walks at an easy pace'],
  ['Singing', ['arts-music'], ['connect', 'keep_learning'], 'singing together, with no auditions'],
  ['Gardening', ['nature-gardening'], ['be_active', 'take_notice', 'give'], 'growing food and flowers together'],
  ['Art', ['arts-music'], ['keep_learning', 'take_notice'], 'painting, drawing and printmaking'],
  ['Craft', ['arts-music', 'loneliness'], ['keep_learning', 'connect'], 'knitting, sewing and making things'],
  ['Book', ['learning', 'loneliness'], ['keep_learning', 'connect'], 'reading and talking about books'],
  ['Football', ['physical-activity', 'men'], ['be_active', 'connect'], 'friendly football for all abilities'],
  ['Cycling', ['physical-activity'], ['be_active', 'take_notice'], 'easy rides on quiet roads and paths'],
  ['Yoga', ['physical-activity', 'anxiety'], ['be_active', 'take_notice'], 'gentle yoga and breathing'],
  ['Tai Chi', ['physical-activity', 'older-people'], ['be_active', 'take_notice'], 'slow, calm movement'],
  ['Photography', ['arts-music'], ['take_notice', 'keep_learning'], 'taking photos on walks around town'],
  ['Cooking', ['physical-health', 'learning'], ['keep_learning', 'connect'], 'cooking cheap, healthy meals and eating together'],
  ['Creative Writing', ['arts-music', 'learning'], ['keep_learning', 'take_notice'], 'writing stories and poems'],
  ['Drama', ['arts-music'], ['connect', 'keep_learning'], 'drama games and small performances'],
  ['Dance', ['physical-activity', 'arts-music'], ['be_active', 'connect'], 'dancing for fun, no partner needed'],
  ['Swimming', ['physical-activity'], ['be_active'], 'relaxed swimming sessions'],
  ['Conservation', ['nature-gardening', 'volunteering'], ['be_active', 'give', 'take_notice'], 'looking after local parks and woods'],
  ['Chess and Games', ['loneliness'], ['connect', 'keep_learning'], 'board games, cards and chess'],
];

const ADVICE: readonly [string, string, string[]][] = [
  ['Debt', 'help with debts, bills and money worries', ['debt-money']],
  ['Benefits', 'help to claim benefits and fill in forms', ['debt-money', 'practical-support']],
  ['Housing', 'help if you might lose your home or have nowhere to stay', ['housing']],
  ['Employment', 'help to find work or stay in work', ['employment']],
  ['Money', 'help to budget and make your money go further', ['debt-money']],
];

const KINDS: readonly Kind[] = [
  ...ACTIVITIES.map(([activity, needs, fiveWays, what]): Kind => ({
    weight: 2.2,
    name: (town) => `${town} ${activity} Group`,
    summary: `A friendly group for ${what}. Everyone welcome, no experience needed.`,
    description: `Meet new people and feel better through ${what}. A volunteer leader welcomes newcomers and there is always tea afterwards.`,
    eligibility: 'Adults who want to look after their wellbeing.',
    needs,
    maybeNeeds: ['loneliness', 'peer-support'],
    fiveWays,
    channels: ['in_person'],
    hours: 'sessions',
    ages: ADULTS,
  })),
  ...ADVICE.map(([topic, what, needs]): Kind => ({
    weight: 2,
    name: (town) => `${town} ${topic} Advice Service`,
    summary: `Free, confidential ${what}.`,
    description: `An adviser listens, looks at your situation and helps you decide what to do. We can talk to the people you owe or your landlord for you. Money and housing worries affect your mental health: we understand.`,
    eligibility: 'Anyone living locally.',
    needs,
    fiveWays: [],
    channels: ['in_person', 'phone', 'online'],
    hours: 'office',
    ages: ANYONE,
  })),
  {
    weight: 4,
    name: (town) => `${town} Talking Therapies`,
    summary: 'Free NHS counselling and CBT for anxiety, depression and stress. Refer yourself.',
    description: 'A therapist works with you for a few weeks, by phone, video or face to face, to help you understand what keeps you stuck and try new ways of coping.',
    eligibility: 'Adults registered with a local GP.',
    needs: ['talking-therapies', 'anxiety', 'depression'],
    maybeNeeds: ['sleep'],
    fiveWays: [],
    channels: ['phone', 'online', 'in_person'],
    hours: 'extended',
    ages: [[[18, null], 85], [[16, null], 15]],
  },
  {
    weight: 3,
    name: (town) => `${town} Counselling Service`,
    summary: 'Low-cost counselling with a trained counsellor, for whatever is troubling you.',
    description: 'Weekly sessions with the same counsellor. Pay what you can afford.',
    eligibility: 'Adults and young people aged 16 or over.',
    needs: ['talking-therapies'],
    maybeNeeds: ['bereavement', 'trauma', 'anxiety'],
    fiveWays: [],
    channels: ['in_person', 'online'],
    hours: 'office',
    ages: [[[16, null], 60], [[18, null], 40]],
  },
  {
    weight: 4,
    name: (town) => `${town} Wellbeing Café`,
    summary: 'A drop-in café run by people with their own experience of mental ill health. Come for a cuppa and a chat.',
    description: 'A warm, relaxed place to meet others who understand. There are games, crafts and a quiet corner.',
    eligibility: 'Adults.',
    needs: ['peer-support', 'loneliness'],
    fiveWays: ['connect', 'give'],
    channels: ['in_person'],
    hours: 'sessions',
    ages: ADULTS,
  },
  {
    weight: 1.5,
    name: (town) => `${town} Crisis Café`,
    summary: 'A safe place to go in the evening if you feel you are in crisis. Just walk in.',
    description: 'Trained staff and volunteers listen and help you feel safer, as an alternative to A&E. Some nights open past midnight.',
    eligibility: 'Adults in a mental health crisis.',
    needs: ['crisis'],
    fiveWays: [],
    channels: ['in_person', 'phone'],
    hours: 'overnight',
    crisis: true,
    ages: [[[18, null], 100]],
  },
  {
    weight: 1.5,
    name: (town) => `${town} Crisis Line`,
    summary: 'Someone to talk to, day or night, if you are struggling or feeling suicidal.',
    description: 'Trained staff answer calls and texts at any time, listen, and help you stay safe.',
    eligibility: 'Anyone in the area, and people worried about them.',
    needs: ['crisis'],
    maybeNeeds: ['anxiety', 'depression'],
    fiveWays: [],
    channels: ['phone', 'text'],
    hours: 'always',
    crisis: true,
    ages: ANYONE,
  },
  {
    weight: 2.5,
    name: (town) => `${town} Befriending Service`,
    summary: 'A volunteer befriender visits or calls every week for a chat.',
    description: 'We match you with a volunteer who shares some of your interests, to help you feel less lonely.',
    eligibility: 'Adults who feel lonely or isolated.',
    needs: ['loneliness', 'older-people'],
    maybeNeeds: ['volunteering'],
    fiveWays: ['connect'],
    channels: ['phone', 'in_person'],
    hours: 'office',
    ages: [[[50, null], 40], [[65, null], 30], [[18, null], 30]],
  },
  {
    weight: 2.5,
    name: (town) => `${town} Carers' Support`,
    summary: "Support for people who look after someone: someone to talk to, breaks and help with a carer's assessment.",
    description: "Carers' workers help you look after yourself too, with groups, a helpline and help with forms.",
    eligibility: 'Unpaid carers of any age.',
    needs: ['carers'],
    maybeNeeds: ['peer-support', 'dementia'],
    fiveWays: ['connect'],
    channels: ['phone', 'in_person', 'online'],
    hours: 'office',
    ages: ANYONE,
  },
  {
    weight: 2,
    name: (town) => `${town} Bereavement Support`,
    summary: 'Support after someone close to you has died: one to one or in a group.',
    description: 'Trained volunteers listen. There is no right way to grieve and no time limit.',
    eligibility: 'Adults who have been bereaved.',
    needs: ['bereavement'],
    maybeNeeds: ['suicide-bereavement', 'peer-support'],
    fiveWays: ['connect'],
    channels: ['in_person', 'phone'],
    hours: 'sessions',
    ages: ADULTS,
  },
  {
    weight: 2,
    name: (town) => `${town} Men's Shed`,
    summary: 'A workshop where men make, mend and chat.',
    description: 'Woodwork, repairs and community projects. No skills needed: others will show you.',
    eligibility: 'Men aged 18 or over.',
    needs: ['men', 'loneliness'],
    fiveWays: ['connect', 'keep_learning', 'give'],
    channels: ['in_person'],
    hours: 'sessions',
    ages: [[[18, null], 100]],
  },
  {
    weight: 2,
    name: (town) => `${town} Young People's Drop-in`,
    summary: 'Somewhere to go after school or college: someone to talk to, food and activities.',
    description: 'Youth workers and a counsellor are on hand. Help with school, college, work and family.',
    eligibility: 'Young people.',
    needs: ['young-people'],
    maybeNeeds: ['talking-therapies', 'lgbtq'],
    fiveWays: ['connect', 'keep_learning'],
    channels: ['in_person', 'text', 'online'],
    hours: 'evening',
    ages: [[[11, 18], 40], [[13, 25], 30], [[16, 25], 30]],
  },
  {
    weight: 2,
    name: (town) => `${town} Recovery College`,
    summary: 'Free courses about mental health and recovery, taught by people with lived experience.',
    description: 'Short courses like "Understanding anxiety" and "Building confidence". You are a student, not a patient.',
    eligibility: 'Adults, carers and staff.',
    needs: ['recovery-college', 'learning'],
    fiveWays: ['keep_learning', 'connect'],
    channels: ['in_person', 'online'],
    hours: 'office',
    ages: [[[18, null], 100]],
  },
  {
    weight: 2,
    name: (town) => `${town} Drug and Alcohol Service`,
    summary: 'Free, confidential help to cut down or stop drinking or using drugs.',
    description: 'Recovery workers, groups and safe detox, with support for families too.',
    eligibility: 'Adults.',
    needs: ['drugs-alcohol'],
    maybeNeeds: ['peer-support', 'gambling'],
    fiveWays: [],
    channels: ['in_person', 'phone'],
    hours: 'extended',
    ages: ADULTS,
  },
  {
    weight: 1.2,
    name: (town) => `${town} Night Shelter`,
    summary: 'A warm, safe bed for the night and breakfast for people sleeping rough.',
    description: 'Doors open in the evening. Workers help you find somewhere longer term.',
    eligibility: 'Adults with nowhere to sleep tonight.',
    needs: ['housing'],
    fiveWays: [],
    channels: ['in_person', 'phone'],
    hours: 'overnight',
    ages: [[[18, null], 100]],
  },
  {
    weight: 1.5,
    name: (town) => `${town} Perinatal Peer Support`,
    summary: 'A group for parents who are pregnant or have a young baby and are finding it hard. Bring your baby.',
    description: 'Parents who have been through it run a friendly weekly group.',
    eligibility: 'Parents who are pregnant or have a child under 2.',
    needs: ['perinatal', 'peer-support'],
    fiveWays: ['connect'],
    channels: ['in_person'],
    hours: 'sessions',
    ages: [[[16, null], 100]],
  },
  {
    weight: 1,
    name: (town) => `${town} LGBTQ+ Social`,
    summary: 'A relaxed social for LGBTQ+ people, alcohol-free.',
    description: 'A safe, welcoming space run by LGBTQ+ volunteers.',
    eligibility: 'LGBTQ+ people and anyone questioning.',
    needs: ['lgbtq', 'loneliness'],
    fiveWays: ['connect'],
    channels: ['in_person'],
    hours: 'evening',
    ages: [[[16, null], 60], [[18, null], 40]],
  },
  {
    weight: 1,
    name: (town) => `${town} Veterans' Breakfast Club`,
    summary: 'Breakfast and a chat for veterans and their families.',
    description: 'Veterans of all services meet to eat, talk and get advice.',
    eligibility: 'Veterans and their families.',
    needs: ['veterans', 'loneliness'],
    fiveWays: ['connect'],
    channels: ['in_person'],
    hours: 'sessions',
    ages: ANYONE,
  },
  {
    weight: 1,
    name: (town) => `${town} Domestic Abuse Support`,
    summary: 'Confidential help if someone close to you hurts, threatens or controls you.',
    description: 'Support workers help you plan how to stay safe and find refuge if you need it.',
    eligibility: 'Anyone affected by domestic abuse.',
    needs: ['domestic-abuse'],
    maybeNeeds: ['women', 'trauma'],
    fiveWays: [],
    channels: ['phone', 'online', 'in_person'],
    hours: 'extended',
    ages: [[[16, null], 100]],
  },
  {
    weight: 1,
    name: (town) => `${town} Memory Café`,
    summary: 'A friendly café for people living with dementia and the people who care for them.',
    description: 'Music, reminiscence, games and a cup of tea.',
    eligibility: 'People with memory problems, their families and carers.',
    needs: ['dementia', 'older-people', 'carers'],
    fiveWays: ['connect', 'take_notice'],
    channels: ['in_person'],
    hours: 'sessions',
    ages: ANYONE,
  },
  {
    weight: 1,
    name: (town) => `${town} Autism and ADHD Peer Group`,
    summary: 'A calm, low-pressure group for autistic adults and adults with ADHD.',
    description: 'A quiet room and a clear plan for every session. Diagnosis not needed.',
    eligibility: 'Adults who are autistic or have ADHD, or think they might be.',
    needs: ['autism-adhd', 'peer-support'],
    fiveWays: ['connect'],
    channels: ['in_person', 'online'],
    hours: 'evening',
    ages: [[[18, null], 100]],
  },
  {
    weight: 1,
    name: (town) => `${town} Hearing Voices Group`,
    summary: 'A peer support group for people who hear voices or have unusual experiences.',
    description: 'Share experiences and ways of coping with people who understand.',
    eligibility: 'Adults who hear voices or see things others do not.',
    needs: ['serious-mental-illness', 'peer-support'],
    fiveWays: ['connect'],
    channels: ['in_person'],
    hours: 'sessions',
    ages: [[[18, null], 100]],
  },
  {
    weight: 1,
    name: (town) => `${town} Eating Disorder Support`,
    summary: 'Support for anyone struggling with food, eating or body image.',
    description: 'Peer supporters run groups, and there is a monthly group for carers.',
    eligibility: 'Anyone aged 16 or over, with or without a diagnosis.',
    needs: ['eating-disorders', 'peer-support'],
    fiveWays: ['connect'],
    channels: ['online', 'in_person'],
    hours: 'evening',
    ages: [[[16, null], 100]],
  },
  {
    weight: 1.5,
    name: (town) => `${town} Healthy Living Service`,
    summary: 'Free help to stop smoking, eat better, drink less and move more.',
    description: 'A health coach supports you for 12 weeks, by phone or in person.',
    eligibility: 'Adults.',
    needs: ['physical-health'],
    maybeNeeds: ['drugs-alcohol'],
    fiveWays: ['be_active'],
    channels: ['phone', 'online', 'in_person'],
    hours: 'office',
    ages: ADULTS,
  },
  {
    weight: 1.5,
    name: (town) => `${town} Volunteer Centre`,
    summary: 'Find a volunteering role that suits you, with support to get started.',
    description: 'An adviser helps you choose something you will enjoy and can come with you on your first day.',
    eligibility: 'Anyone aged 16 or over.',
    needs: ['volunteering'],
    maybeNeeds: ['employment'],
    fiveWays: ['give', 'connect'],
    channels: ['in_person', 'phone', 'online'],
    hours: 'office',
    ages: [[[16, null], 100]],
  },
  {
    weight: 1.5,
    name: (town) => `${town} Community Wellbeing Group`,
    summary: 'A wellbeing group in community languages, with health talks, gentle exercise and a shared meal.',
    description: 'Talk about stress, family and health in your own language.',
    eligibility: 'Adults in the community. Everyone is welcome.',
    needs: ['faith-community', 'loneliness'],
    fiveWays: ['connect', 'be_active'],
    channels: ['in_person'],
    hours: 'sessions',
    ages: ADULTS,
  },
  {
    weight: 2,
    name: (town) => `${town} Wellbeing Navigators`,
    summary: 'A navigator helps you find support, activities and practical help, and make a plan.',
    description: 'Social prescribing: a link worker listens to what matters to you and connects you with local groups and services.',
    eligibility: 'Adults registered with a local GP.',
    needs: ['practical-support'],
    maybeNeeds: ['loneliness', 'debt-money'],
    fiveWays: ['connect'],
    channels: ['in_person', 'phone'],
    hours: 'office',
    ages: [[[18, null], 80], [[17, null], 20]],
  },
];

const ORGANISATION_SUFFIXES = [
  'Wellbeing Trust', 'Community Action', 'Mental Health Network', 'Community Partnership', 'Recovery Trust',
  'Health and Wellbeing CIC', 'Voluntary Action', 'Community Foundation', 'Wellbeing Collective', 'Neighbourhood Trust',
];
const STREETS = [
  'High Street', 'Station Road', 'Church Street', 'Market Place', 'London Road', 'Victoria Road', 'Park Road',
  'Mill Lane', 'King Street', 'Queen Street', 'The Parade', 'Bridge Street', 'New Road', 'North Street', 'South Street',
];
const VENUES = [
  'Community Centre', 'Library', 'Methodist Hall', 'Church Hall', 'Leisure Centre', 'Health Centre', 'Village Hall',
  'Family Hub', 'Arts Centre', 'Youth Centre', 'Scout Hut', 'Football Club', 'Allotments', 'Quaker Meeting House',
];
const OTHER_LANGUAGES = [
  'Polish', 'Romanian', 'Punjabi', 'Urdu', 'Bengali', 'Gujarati', 'Arabic', 'Somali', 'Portuguese', 'Lithuanian',
  'Turkish', 'Tamil', 'Korean', 'Nepali', 'Cantonese', 'Mandarin', 'Farsi', 'Kurdish', 'Ukrainian', 'Spanish',
];

// ---------------------------------------------------------------------------------------------

interface Place {
  district: District;
  town: string;
}

/** What every listing of one run shares: the districts and where ids come from. */
export interface SyntheticPlan {
  tenantId: string;
  seed: string;
  idPrefix: string;
  asOfMs: number;
  places: readonly Place[];
  random: Random;
}

/** English postcode districts that a postcode can be in (retired ones such as W1M left out). */
export function englishDistricts(): District[] {
  return [...loadDistrictTable().values()]
    .filter((d) => d.country === 'England')
    .filter((d) => {
      const parsed = parsePostcode(`${d.district} 1AA`);
      return parsed.ok && parsed.district === d.district;
    })
    .sort((a, b) => (a.district < b.district ? -1 : a.district > b.district ? 1 : 0));
}

export function syntheticPlan(options: Pick<SyntheticListingOptions, 'tenantId' | 'seed' | 'asOf'>): SyntheticPlan {
  const asOfMs = Date.parse(options.asOf ?? DEFAULT_AS_OF);
  if (Number.isNaN(asOfMs)) throw new Error(`Seed: asOf "${options.asOf}" is not a date`);
  return {
    tenantId: options.tenantId,
    seed: options.seed,
    // Short, fixed length, and different for different seeds, so runs with two seeds can share a tenant.
    idPrefix: `synthetic-${crypto.createHash('sha256').update(options.seed).digest('hex').slice(0, 8)}-`,
    asOfMs,
    places: englishDistricts().map((district) => ({ district, town: district.town || district.region || district.district })),
    random: new Random(options.seed).derive('synthetic-listings'),
  };
}

const pickKind = weightedPicker(KINDS.map((k): [Kind, number] => [k, k.weight]));

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const slug = (text: string) => text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const hhmm = (minutes: number) => `${pad(Math.floor(minutes / 60), 2)}:${pad(minutes % 60, 2)}`;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

function sample<T>(r: Random, items: readonly T[], n: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length) out.push(pool.splice(r.int(0, pool.length - 1), 1)[0] as T);
  return out;
}

function hoursFor(r: Random, pattern: HoursPattern): { day: Day; opens: string; closes: string }[] {
  const every = (opens: string, closes: string, days: readonly Day[] = DAYS) => days.map((day) => ({ day, opens, closes }));
  switch (pattern) {
    case 'always':
      return every('00:00', '24:00');
    case 'overnight': {
      const opens = r.pick([17 * 60, 18 * 60, 19 * 60, 20 * 60]);
      const closes = r.pick([60, 120, 8 * 60]);
      const days = r.chance(0.6) ? DAYS : DAYS.slice(4); // every night, or Friday to Sunday
      return every(hhmm(opens), hhmm(closes), days);
    }
    case 'office': {
      const opens = r.pick([8 * 60, 8 * 60 + 30, 9 * 60, 9 * 60 + 30, 10 * 60]);
      const closes = r.pick([16 * 60, 16 * 60 + 30, 17 * 60, 17 * 60 + 30]);
      const rows = every(hhmm(opens), hhmm(closes), DAYS.slice(0, 5));
      if (r.chance(0.2)) rows.push({ day: 'SA', opens: '10:00', closes: '13:00' });
      return rows;
    }
    case 'extended': {
      const rows = every('08:00', '20:00', DAYS.slice(0, 4));
      rows.push({ day: 'FR', opens: '08:00', closes: '17:00' });
      if (r.chance(0.3)) rows.push({ day: 'SA', opens: '09:00', closes: '13:00' });
      return rows;
    }
    case 'evening': {
      const days = sample(r, DAYS, r.int(1, 4));
      const opens = r.pick([15 * 60 + 30, 17 * 60, 18 * 60, 18 * 60 + 30, 19 * 60]);
      return days.map((day) => ({ day, opens: hhmm(opens), closes: hhmm(opens + r.pick([90, 120, 150])) }));
    }
    case 'sessions': {
      const days = sample(r, DAYS, r.int(1, 3));
      return days.map((day) => {
        const opens = r.int(18, 38) * 30; // 09:00 to 19:00
        return { day, opens: hhmm(opens), closes: hhmm(opens + r.pick([60, 90, 120, 180])) };
      });
    }
    case 'none':
      return [];
  }
}

/** Listing `index` of a run: depends on nothing but the plan's seed and the index. */
export function syntheticListing(plan: SyntheticPlan, index: number): ListingInput {
  const r = plan.random.derive(`listing/${index}`);
  const place = r.pick(plan.places);
  const { district } = place;
  const kind = pickKind(r);
  const id = `${plan.idPrefix}${pad(index, 7)}`;
  const name = kind.name(place.town);
  const organisationName = r.chance(0.5)
    ? `${place.town} ${r.pick(ORGANISATION_SUFFIXES)} (demo)`
    : `${name} (demo)`;
  const host = `${slug(name)}.example.org`;

  const needs = new Set([...kind.needs, ...(kind.maybeNeeds ?? []).filter(() => r.chance(1 / 3))]);
  const fiveWays = kind.fiveWays.filter((_, i) => i === 0 || r.chance(0.7));
  const channels = new Set<Channel>(kind.channels);
  if (r.chance(0.15)) channels.add('phone');
  if (r.chance(0.1)) channels.add('online');
  const [minimumAge, maximumAge] = r.weighted(kind.ages ?? ADULTS);

  const accessibility: Accessibility[] = [];
  if (r.chance(0.6)) accessibility.push('step_free');
  if (r.chance(0.05)) accessibility.push('bsl');
  if (r.chance(0.15)) accessibility.push('easy_read');
  if (r.chance(0.25)) accessibility.push('hearing_loop');
  const languages = ['English'];
  if (r.chance(0.15)) languages.push(...sample(r, OTHER_LANGUAGES, r.int(1, 2)));
  if (accessibility.includes('bsl')) languages.push('British Sign Language');

  const locations: ListingLocation[] = [];
  const locationCount = r.chance(0.15) ? 2 : 1;
  for (let l = 1; l <= locationCount; l++) {
    const bearing = r.next() * 2 * Math.PI;
    const metres = Math.sqrt(r.next()) * JITTER_METRES;
    const latitude = district.latitude + (metres * Math.cos(bearing)) / METRES_PER_DEGREE;
    const longitude =
      district.longitude + (metres * Math.sin(bearing)) / (METRES_PER_DEGREE * Math.cos((district.latitude * Math.PI) / 180));
    const inward = `${r.int(0, 9)}${INWARD_LETTERS[r.int(0, INWARD_LETTERS.length - 1)]}${INWARD_LETTERS[r.int(0, INWARD_LETTERS.length - 1)]}`;
    locations.push({
      id: `${id}-l${l}`,
      name: `${place.town} ${r.pick(VENUES)}`,
      address1: `${r.int(1, 180)} ${r.pick(STREETS)}`,
      city: place.town,
      postcode: `${district.district} ${inward}`,
      district: district.district,
      latitude: round6(latitude),
      longitude: round6(longitude),
    });
  }

  // About 5% open all the time: crisis lines, plus a few others that always answer the phone.
  const pattern: HoursPattern = kind.hours !== 'always' && r.chance(0.03) ? 'always' : r.chance(0.04) ? 'none' : kind.hours;
  const hours: ListingHours[] = hoursFor(r, pattern).map((h, i) => ({
    id: `${id}-h${i + 1}`,
    ...h,
    // Groups meet at one place or the other; office hours are the service's, wherever it is.
    locationId: locations.length > 1 && (pattern === 'sessions' || pattern === 'evening') ? (locations[i % locations.length]?.id ?? null) : null,
    description: '',
  }));

  const free = r.chance(0.85);
  const stale = r.chance(0.12);
  const status: ServiceStatus = r.chance(0.97) ? 'active' : r.pick(['temporarily closed', 'inactive'] as const);
  return {
    id,
    tenantId: plan.tenantId,
    organisationId: null,
    organisationName,
    name,
    summary: kind.summary,
    description: kind.description,
    eligibility: kind.eligibility,
    howToAccess: r.chance(0.5)
      ? 'Just turn up, or get in touch first if you would like someone to meet you.'
      : 'Call or email us and we will tell you how to start.',
    status,
    published: r.chance(0.98),
    phone: r.chance(0.75) ? (r.chance(0.7) ? `01632 960${pad(r.int(0, 999), 3)}` : `07700 900${pad(r.int(0, 999), 3)}`) : null,
    textNumber: channels.has('text') ? `07700 900${pad(r.int(0, 999), 3)}` : null,
    email: r.chance(0.6) ? `hello@${host}` : null,
    url: r.chance(0.5) ? `https://${host}` : null,
    selfReferral: r.chance(0.85),
    hubReferral: r.chance(0.05),
    free,
    costDescription: free ? '' : r.pick(['£2 a session.', '£3 a session; free if you cannot pay.', 'Pay what you can.', '£5 a month.']),
    channels: [...channels],
    minimumAge,
    maximumAge,
    languages,
    accessibility,
    fiveWays,
    crisis: kind.crisis ?? false,
    national: false,
    serviceDistricts: r.chance(0.1) ? [district.district] : [],
    termIds: [...[...needs].map(needTermId), ...fiveWays.map(fiveWayTermId)],
    source: SYNTHETIC_SOURCE,
    demo: true,
    lastConfirmedAt: new Date(plan.asOfMs - (stale ? r.int(183, 500) : r.int(0, 182)) * DAY_MS - r.int(0, 86_399) * 1000),
    locations,
    hours,
    extra: {},
  };
}

// ---------------------------------------------------------------------------------------------
// Bulk insert

/** A PostgreSQL array literal ('{"a","b c"}'), so that arrays of arrays can travel through unnest as text. */
function arrayLiteral(values: readonly (string | number)[]): string {
  return `{${values.map((v) => `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

const time = (t: string) => (t === '24:00' ? '24:00:00' : `${t}:00`);

const INSERT_SERVICES = `
  INSERT INTO directory_services (
    tenant_id, id, organisation_id, organisation_name, name, summary, description, eligibility, how_to_access,
    status, published, phone, text_number, email, url, self_referral, hub_referral, free, cost_description,
    channels, minimum_age, maximum_age, languages, accessibility, five_ways, crisis, open_24_hours, national,
    service_districts, keywords, source, demo, last_confirmed_at, extra, has_location)
  SELECT $1, s.id, s.organisation_id, s.organisation_name, s.name, s.summary, s.description, s.eligibility,
         s.how_to_access, s.status, s.published, s.phone, s.text_number, s.email, s.url, s.self_referral,
         s.hub_referral, s.free, s.cost_description, s.channels::text[], s.minimum_age, s.maximum_age,
         s.languages::text[], s.accessibility::text[], s.five_ways::text[], s.crisis, s.open_24_hours, s.national,
         s.service_districts::text[],
         coalesce((SELECT string_agg(name || ' ' || synonyms, ' ' ORDER BY id) FROM taxonomy_terms
                    WHERE id = ANY(s.term_ids::text[])), ''),
         s.source, s.demo, s.last_confirmed_at, s.extra::jsonb, s.has_location
  FROM unnest($2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
              $10::text[], $11::boolean[], $12::text[], $13::text[], $14::text[], $15::text[], $16::boolean[],
              $17::boolean[], $18::boolean[], $19::text[], $20::text[], $21::int[], $22::int[], $23::text[],
              $24::text[], $25::text[], $26::boolean[], $27::boolean[], $28::boolean[], $29::text[], $30::text[],
              $31::text[], $32::boolean[], $33::timestamptz[], $34::text[], $35::boolean[])
    AS s(id, organisation_id, organisation_name, name, summary, description, eligibility, how_to_access,
         status, published, phone, text_number, email, url, self_referral, hub_referral, free, cost_description,
         channels, minimum_age, maximum_age, languages, accessibility, five_ways, crisis, open_24_hours, national,
         service_districts, term_ids, source, demo, last_confirmed_at, extra, has_location)`;

const INSERT_TERMS = `
  INSERT INTO directory_service_terms (tenant_id, service_id, term_id)
  SELECT $1, * FROM unnest($2::text[], $3::text[])`;

const INSERT_LOCATIONS = `
  INSERT INTO directory_locations (tenant_id, service_id, id, name, address_1, city, postcode, district, latitude, longitude)
  SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                           $9::float8[], $10::float8[])`;

const INSERT_HOURS = `
  INSERT INTO directory_schedules (tenant_id, service_id, id, byday, opens_at, closes_at, location_id, description)
  SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::time[], $6::time[], $7::text[], $8::text[])`;

const ANALYZE = 'ANALYZE directory_services, directory_service_terms, directory_locations, directory_schedules, directory_words';

const INSERT_WORDS = 'INSERT INTO directory_words (word) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING';

interface Batch {
  services: unknown[][];
  terms: [string[], string[]];
  locations: unknown[][];
  hours: unknown[][];
  words: string[];
}

const wordCache = new Map<string, string[]>();
function cachedWordsOf(text: string): string[] {
  let words = wordCache.get(text);
  if (!words) {
    words = wordsOf(text);
    if (wordCache.size < 100_000) wordCache.set(text, words);
  }
  return words;
}

/** The rows of whole listings, one array per column, as the bulk statements take them. */
export function batchOf(listings: readonly ListingInput[], wordsSeen: Set<string> = new Set()): Batch {
  const services: unknown[][] = Array.from({ length: 34 }, () => []);
  const terms: [string[], string[]] = [[], []];
  const locations: unknown[][] = Array.from({ length: 9 }, () => []);
  const hours: unknown[][] = Array.from({ length: 7 }, () => []);
  const words: string[] = [];
  for (const input of listings) {
    const placed = input.locations.map(placeLocation);
    const row = [
      input.id, input.organisationId, input.organisationName, input.name, input.summary, input.description,
      input.eligibility, input.howToAccess, input.status, input.published, input.phone, input.textNumber, input.email,
      input.url, input.selfReferral, input.hubReferral, input.free, input.costDescription, arrayLiteral(input.channels),
      input.minimumAge, input.maximumAge, arrayLiteral(input.languages), arrayLiteral(input.accessibility),
      arrayLiteral(input.fiveWays), input.crisis, isAlwaysOpen(input.hours), input.national,
      arrayLiteral(input.serviceDistricts), arrayLiteral(input.termIds), input.source, input.demo,
      (input.lastConfirmedAt ?? new Date()).toISOString(), JSON.stringify(input.extra),
      // as saveListing marks it: a listing with no placed location is available anywhere
      placed.some((l) => l.latitude !== null && l.longitude !== null),
    ];
    row.forEach((value, i) => (services[i] as unknown[]).push(value));
    for (const termId of new Set(input.termIds)) {
      terms[0].push(input.id);
      terms[1].push(termId);
    }
    for (const location of placed) {
      const values = [
        input.id, location.id, location.name, location.address1, location.city, location.postcode, location.district,
        location.latitude, location.longitude,
      ];
      values.forEach((value, i) => (locations[i] as unknown[]).push(value));
    }
    for (const h of input.hours) {
      const values = [input.id, h.id, h.day, time(h.opens), time(h.closes), h.locationId, h.description];
      values.forEach((value, i) => (hours[i] as unknown[]).push(value));
    }
    // The words saveListing adds (wordsOf over the same five texts), text by text so that the
    // texts many listings share are split into words once.
    for (const text of [input.name, input.summary, input.description, input.eligibility, input.organisationName]) {
      for (const word of cachedWordsOf(text)) {
        if (!wordsSeen.has(word)) {
          wordsSeen.add(word);
          words.push(word);
        }
      }
    }
  }
  return { services, terms, locations, hours, words };
}

/** Inserts whole listings (new ids only) with the bulk statements, in the caller's transaction. */
export async function insertListingsInBulk(tx: Transaction, tenantId: string, batch: Batch): Promise<void> {
  await tx.query(INSERT_SERVICES, [tenantId, ...batch.services]);
  if (batch.terms[0].length) await tx.query(INSERT_TERMS, [tenantId, ...batch.terms]);
  if ((batch.locations[0] as unknown[]).length) await tx.query(INSERT_LOCATIONS, [tenantId, ...batch.locations]);
  if ((batch.hours[0] as unknown[]).length) await tx.query(INSERT_HOURS, [tenantId, ...batch.hours]);
  if (batch.words.length) await tx.query(INSERT_WORDS, [batch.words]);
}

/**
 * Adds `count` synthetic listings to a tenant, in one transaction. The taxonomy must be seeded
 * (seedTaxonomy). Refuses if this seed's listings are already there.
 */
export async function seedSyntheticListings(
  db: Database,
  options: SyntheticListingOptions,
  log: (message: string) => void = () => {},
): Promise<SyntheticListingReport> {
  const { tenantId, count, seed } = options;
  const batchSize = options.batchSize ?? DEFAULT_SYNTHETIC_BATCH_SIZE;
  if (!Number.isSafeInteger(count) || count < 0 || count > 9_999_999) {
    throw new Error('Seed: the number of listings must be a whole number from 0 to 9,999,999');
  }
  if (typeof seed !== 'string' || seed === '') throw new Error('Seed: the seed must be a non-empty string');
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 50_000) {
    throw new Error('Seed: the listings batch size must be between 1 and 50,000');
  }
  const plan = syntheticPlan(options);
  const started = performance.now();
  let generateMillis = 0;
  const totals = { locations: 0, hours: 0, terms: 0 };
  if (count > 0) {
    await db.transaction(async (tx) => {
      const tenant = await tx.query('SELECT 1 FROM tenants WHERE id = $1', [tenantId]);
      if (tenant.rows.length === 0) throw new Error(`Seed: tenant "${tenantId}" does not exist; seed it first`);
      const terms = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM taxonomy_terms');
      if (!terms.rows[0]?.n) throw new Error('Seed: the taxonomy is empty; run seedTaxonomy first');
      const existing = await tx.query('SELECT 1 FROM directory_services WHERE tenant_id = $1 AND id = ANY($2::text[]) LIMIT 1', [
        tenantId, [`${plan.idPrefix}${pad(0, 7)}`, `${plan.idPrefix}${pad(count - 1, 7)}`],
      ]);
      if (existing.rows.length) {
        throw new Error(`Seed: tenant "${tenantId}" already has synthetic listings from seed "${seed}"`);
      }
      // Fresh statistics before a bulk load: foreign key checks reuse plans made when the tables
      // were small, and a plan that scans a small table becomes quadratic as it grows (seen on
      // PGlite after a few saveListing calls: 5,000 listings took 30 s instead of 2 s).
      await tx.query(ANALYZE);
      // The next batch is made while the database stores the previous one.
      const wordsSeen = new Set<string>();
      let pending: Promise<void> | undefined;
      let nextLog = 10_000;
      for (let from = 0; from < count; from += batchSize) {
        const t0 = performance.now();
        const listings: ListingInput[] = [];
        for (let i = from; i < Math.min(count, from + batchSize); i++) listings.push(syntheticListing(plan, i));
        const batch = batchOf(listings, wordsSeen);
        generateMillis += performance.now() - t0;
        totals.locations += (batch.locations[0] as unknown[]).length;
        totals.hours += (batch.hours[0] as unknown[]).length;
        totals.terms += batch.terms[0].length;
        await pending;
        pending = insertListingsInBulk(tx, tenantId, batch);
        pending.catch(() => {});
        const done = from + listings.length;
        if (done >= nextLog || done === count) {
          log(`${tenantId}: ${done.toLocaleString('en-GB')} of ${count.toLocaleString('en-GB')} synthetic listings`);
          while (nextLog <= done) nextLog += 10_000;
        }
      }
      await pending;
    });
    // And again after it, for the queries that come next (benchmarks).
    await db.query(ANALYZE);
  }
  return {
    tenantId,
    seed,
    listings: count,
    ...totals,
    millis: Math.round(performance.now() - started),
    generateMillis: Math.round(generateMillis),
  };
}
