// The taxonomy terms Lantern ships: the Five Ways to Wellbeing and the needs people search for.
//
// Ids are stable strings ('five-ways:connect', 'lantern-needs:debt'): listings, imports and links
// refer to them, so never rename one; add a new term and retire the old one instead.
//
// `synonyms` are the other words people type for a need, space-separated. saveListing copies a
// listing's term names and synonyms into its keywords, so a search for "lonely" finds a befriending
// service that never uses the word. Plurals and lay words belong here; misspellings do not (search
// corrects typos against the words of the directory itself).
//
// The Five Ways descriptions follow the "Live It Well" summary (Kent and Medway, 2010), which takes
// them from the Foresight Mental Capital and Wellbeing Project (2008) and the New Economics
// Foundation: ../shared/seeds/000_*.txt.
import type { Queryable } from '../db/database.ts';
import type { FiveWay } from '../features/directory/listing.ts';

export interface TaxonomyTerm {
  id: string;
  taxonomy: string;
  name: string;
  description: string;
  parentId: string | null;
  synonyms: string;
}

export const FIVE_WAYS_TAXONOMY = 'five-ways';
export const NEEDS_TAXONOMY = 'lantern-needs';

const fiveWay = (slug: string, name: string, description: string): TaxonomyTerm => ({
  id: `${FIVE_WAYS_TAXONOMY}:${slug}`,
  taxonomy: FIVE_WAYS_TAXONOMY,
  name,
  description,
  parentId: null,
  // The names say it; broad synonyms ("friends", "exercise") would make every listing with the
  // term match searches meant for a need.
  synonyms: '',
});

export const FIVE_WAYS_TERMS: readonly TaxonomyTerm[] = [
  fiveWay(
    'connect',
    'Connect',
    'Connect with the people around you: family, friends, colleagues and neighbours, at home, at work, at school or in your community. Time spent on these connections supports you every day.',
  ),
  fiveWay(
    'be-active',
    'Be active',
    'Go for a walk or run. Step outside. Cycle, play a game, garden or dance. Find an activity you enjoy that suits how fit you are: moving makes you feel good.',
  ),
  fiveWay(
    'take-notice',
    'Take notice',
    'Be curious. Notice the beautiful and the unusual, and the changing seasons. Enjoy the moment, and think about what matters to you.',
  ),
  fiveWay(
    'keep-learning',
    'Keep learning',
    'Try something new or go back to an old interest. Sign up for a course, learn to cook or to play an instrument, fix a bike. Learning builds confidence and is fun.',
  ),
  fiveWay(
    'give',
    'Give',
    'Do something nice for someone. Thank someone, smile, volunteer your time or join a community group. Feeling part of your community is rewarding.',
  ),
];

/** The Five Ways term id for a listing's five_ways value ('be_active' gives 'five-ways:be-active'). */
export function fiveWayTermId(way: FiveWay): string {
  return `${FIVE_WAYS_TAXONOMY}:${way.replace('_', '-')}`;
}

const need = (slug: string, name: string, description: string, synonyms: string): TaxonomyTerm => ({
  id: `${NEEDS_TAXONOMY}:${slug}`,
  taxonomy: NEEDS_TAXONOMY,
  name,
  description,
  parentId: null,
  synonyms,
});

export const NEEDS_TERMS: readonly TaxonomyTerm[] = [
  need(
    'crisis',
    'Urgent help in a crisis',
    'Help straight away if you feel you cannot keep yourself safe, or you are worried about someone.',
    'crisis urgent emergency suicide suicidal self-harm selfharm harm harming cutting die dying overdose unsafe desperate breakdown helpline',
  ),
  need(
    'talking-therapies',
    'Talking therapies and counselling',
    'Talk to a trained person about how you feel, one to one or in a group.',
    'counselling counseling counsellor counselor therapy therapies therapist talking cbt psychotherapy psychotherapist iapt talk listening',
  ),
  need(
    'anxiety',
    'Anxiety, worry and panic',
    'Support if you worry a lot, feel panicky or afraid, or have phobias.',
    'anxiety anxious worry worries worried worrying panic panicking attacks stress stressed nervous fear fears phobia phobias ocd',
  ),
  need(
    'depression',
    'Low mood and depression',
    'Support if you feel sad, empty or hopeless for a long time.',
    'depression depressed low mood sad sadness unhappy hopeless down miserable tearful',
  ),
  need(
    'serious-mental-illness',
    'Psychosis and serious mental illness',
    'Support for people living with psychosis, schizophrenia, bipolar disorder or another serious mental illness.',
    'psychosis psychotic schizophrenia schizophrenic bipolar manic mania voices hearing paranoia paranoid smi severe enduring personality disorder',
  ),
  need(
    'loneliness',
    'Loneliness and isolation',
    'Meet people, make friends and feel less alone.',
    'lonely loneliness isolated isolation alone friends friendship company companionship befriending befriender social meet people',
  ),
  need(
    'peer-support',
    'Peer support',
    'Get support from people who have been through something similar.',
    'peer peers support group groups lived experience mutual self-help drop-in dropin',
  ),
  need(
    'debt-money',
    'Debt and money',
    'Help with debts, bills, benefits and making your money go further.',
    'debt debts money bills benefits benefit budgeting budget loans loan arrears universal credit pip bailiffs rent council tax poverty income food bank',
  ),
  need(
    'employment',
    'Work and employment',
    'Help to find a job, stay in work or go back to work.',
    'employment job jobs work working career careers unemployed unemployment cv interview interviews ips back to work',
  ),
  need(
    'housing',
    'Housing and homelessness',
    'Help if you have nowhere to live, might lose your home or have problems where you live.',
    'housing homeless homelessness rough sleeping sleeper sleepers home eviction evicted tenancy landlord accommodation hostel shelter',
  ),
  need(
    'drugs-alcohol',
    'Alcohol and drugs',
    'Help if drinking or drug use is causing problems for you or someone close to you.',
    'alcohol drink drinking drinker drunk drugs drug cannabis cocaine heroin addiction addicted addict substance misuse recovery sober sobriety dual diagnosis',
  ),
  need(
    'gambling',
    'Gambling',
    'Help if gambling is causing problems for you or your family.',
    'gambling gamble gambler betting bets bet casino slots addiction',
  ),
  need(
    'bereavement',
    'Bereavement and loss',
    'Support after someone close to you has died.',
    'bereavement bereaved grief grieving loss death died mourning widow widowed widower',
  ),
  need(
    'suicide-bereavement',
    'Bereaved by suicide',
    'Support for people who have lost someone to suicide.',
    'suicide bereaved bereavement loss grief survivors',
  ),
  need(
    'carers',
    'Carers',
    'Support for people who look after a family member or friend.',
    'carer carers caring cared looking after family respite young carer',
  ),
  need(
    'young-people',
    'Children and young people',
    'Support for children, teenagers and young adults.',
    'young people youth teen teens teenager teenagers children child kids students student school college university camhs',
  ),
  need(
    'older-people',
    'Older people',
    'Support for people in later life.',
    'older elderly old age pensioner pensioners retired retirement later life',
  ),
  need(
    'physical-activity',
    'Physical activity and sport',
    'Get moving: exercise, sport and active groups for all fitness levels.',
    'exercise exercising sport sports fitness gym football swimming swim running run walking walk active activity cycling yoga dance dancing',
  ),
  need(
    'walking',
    'Walking groups',
    'Friendly guided walks, at a gentle pace, with people to chat to.',
    'walk walks walking ramble rambling hike hiking stroll outdoors',
  ),
  need(
    'arts-music',
    'Arts, music and creativity',
    'Singing, music, art and crafts, writing and drama.',
    'art arts creative creativity craft crafts painting drawing music singing sing choir choirs song songs drama writing poetry',
  ),
  need(
    'nature-gardening',
    'Gardening and nature',
    'Gardening, growing food and spending time in green spaces.',
    'garden gardens gardening allotment allotments growing grow nature outdoors green conservation countryside parks',
  ),
  need(
    'volunteering',
    'Volunteering',
    'Give your time to help others and learn new skills.',
    'volunteer volunteers volunteering helping charity give giving community',
  ),
  need(
    'learning',
    'Learning and courses',
    'Courses and workshops to learn about wellbeing and recovery, and new skills.',
    'learning learn course courses class classes college workshop workshops education training skills recovery',
  ),
  need(
    'recovery-college',
    'Recovery College',
    'Free courses about mental health and recovery, written and taught with people who have lived experience.',
    'recovery college courses course education lived experience self-management',
  ),
  need(
    'practical-support',
    'Practical help and navigation',
    'A named worker who helps you find the right support and make a plan.',
    'navigator navigators link worker social prescribing prescriber signposting advice help support plan keyworker',
  ),
  need(
    'eating-disorders',
    'Eating disorders',
    'Support for anorexia, bulimia, binge eating and worries about food or your body.',
    'eating disorder disorders anorexia anorexic bulimia bulimic binge bingeing food weight body image arfid',
  ),
  need(
    'perinatal',
    'Pregnancy and new parents',
    'Support with your mental health during pregnancy and after having a baby.',
    'perinatal postnatal antenatal pregnancy pregnant baby babies birth mum mums mother mothers dad dads parent parents maternal',
  ),
  need(
    'lgbtq',
    'LGBTQ+',
    'Support for lesbian, gay, bisexual, trans, queer and questioning people.',
    'lgbt lgbtq lgbtqi gay lesbian bisexual trans transgender queer questioning nonbinary non-binary sexuality gender identity pride',
  ),
  need(
    'veterans',
    'Veterans and armed forces',
    'Support for people who have served in the armed forces, and their families.',
    'veteran veterans army navy raf forces military armed soldier ex-forces ptsd service',
  ),
  need(
    'domestic-abuse',
    'Domestic abuse',
    'Help if someone close to you hurts, threatens, controls or frightens you.',
    'domestic abuse abusive violence violent partner coercive control controlling refuge safety',
  ),
  need(
    'trauma',
    'Trauma and PTSD',
    'Support after frightening or distressing experiences, recent or long ago.',
    'trauma traumatic ptsd flashbacks nightmares abuse survivor survivors assault',
  ),
  need(
    'sleep',
    'Sleep',
    'Help if you cannot sleep or sleep badly.',
    'sleep sleeping insomnia tired tiredness fatigue nightmares rest',
  ),
  need(
    'dementia',
    'Dementia and memory',
    'Support for people living with dementia or memory problems, and their families.',
    'dementia alzheimers alzheimer memory forgetful forgetting confusion',
  ),
  need(
    'autism-adhd',
    'Autism and ADHD',
    'Support for autistic people and people with ADHD, with or without a diagnosis.',
    'autism autistic asd asperger aspergers adhd add neurodivergent neurodiversity attention hyperactivity',
  ),
  need(
    'learning-disability',
    'Learning disability',
    'Support for people with a learning disability, in easy read and at their pace.',
    'learning disability disabilities disabled easy read',
  ),
  need(
    'faith-community',
    'Faith and cultural communities',
    'Support in your own language or community, including faith groups.',
    'faith church mosque temple gurdwara religion religious spiritual culture cultural community communities language languages interpreter',
  ),
  need(
    'deaf-bsl',
    'Deaf people and British Sign Language',
    'Support for Deaf people, in British Sign Language.',
    'deaf bsl sign signing language hearing',
  ),
  need(
    'physical-health',
    'Physical health and healthy living',
    'Help to look after your body: stopping smoking, eating well, drinking less and health checks.',
    'physical health healthy living lifestyle smoking smoke stop quit vaping diet eating cooking cook food weight health check',
  ),
  need(
    'men',
    "Men's mental health",
    'Places where men can talk, do things together and look out for each other.',
    'men man male mens shed sheds blokes guys dads',
  ),
  need(
    'women',
    "Women's mental health",
    'Support run by and for women.',
    'women woman female womens ladies mums',
  ),
];

export const DIRECTORY_TERMS: readonly TaxonomyTerm[] = [...FIVE_WAYS_TERMS, ...NEEDS_TERMS];

const TERM_IDS = new Set(DIRECTORY_TERMS.map((t) => t.id));

/** A needs term id from its slug ('debt-money'), checked: a typo fails at seed time, not in search. */
export function needTermId(slug: string): string {
  const id = `${NEEDS_TAXONOMY}:${slug}`;
  if (!TERM_IDS.has(id)) throw new Error(`Seed: no needs term "${slug}"`);
  return id;
}

/** Inserts the shipped terms, or brings them up to date when they are already there. */
export async function seedTaxonomy(db: Queryable, terms: readonly TaxonomyTerm[] = DIRECTORY_TERMS): Promise<number> {
  await db.query(
    `INSERT INTO taxonomy_terms (id, taxonomy, name, description, parent_id, synonyms)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
     ON CONFLICT (id) DO UPDATE SET
       taxonomy = EXCLUDED.taxonomy, name = EXCLUDED.name, description = EXCLUDED.description,
       parent_id = EXCLUDED.parent_id, synonyms = EXCLUDED.synonyms`,
    [
      terms.map((t) => t.id), terms.map((t) => t.taxonomy), terms.map((t) => t.name),
      terms.map((t) => t.description), terms.map((t) => t.parentId), terms.map((t) => t.synonyms),
    ],
  );
  return terms.length;
}
