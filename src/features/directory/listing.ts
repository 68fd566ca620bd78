// A directory listing as Lantern holds it: an Open Referral UK service with its locations,
// weekly opening hours and taxonomy terms, flattened where search and filters need columns.

export const CHANNELS = ['in_person', 'phone', 'online', 'text'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_NAMES: Record<Channel, string> = {
  in_person: 'In person',
  phone: 'By phone',
  online: 'Online',
  text: 'By text message',
};

export const ACCESSIBILITY = ['step_free', 'bsl', 'easy_read', 'hearing_loop'] as const;
export type Accessibility = (typeof ACCESSIBILITY)[number];
export const ACCESSIBILITY_NAMES: Record<Accessibility, string> = {
  step_free: 'Step-free access',
  bsl: 'British Sign Language (BSL)',
  easy_read: 'Easy read information',
  hearing_loop: 'Hearing loop',
};

export const FIVE_WAYS = ['connect', 'be_active', 'take_notice', 'keep_learning', 'give'] as const;
export type FiveWay = (typeof FIVE_WAYS)[number];
export const FIVE_WAYS_NAMES: Record<FiveWay, string> = {
  connect: 'Connect',
  be_active: 'Be active',
  take_notice: 'Take notice',
  keep_learning: 'Keep learning',
  give: 'Give',
};

export const STATUSES = ['active', 'inactive', 'defunct', 'temporarily closed'] as const;
export type ServiceStatus = (typeof STATUSES)[number];

export const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Day = (typeof DAYS)[number];

export interface ListingLocation {
  id: string;
  name: string;
  address1: string;
  city: string;
  postcode: string | null;
  /** postcode district; set from the postcode when saved */
  district: string | null;
  latitude: number | null;
  longitude: number | null;
}

/** One day's opening hours. closes at or before opens: the hours run past midnight. */
export interface ListingHours {
  id: string;
  day: Day;
  /** 'HH:MM' */
  opens: string;
  /** 'HH:MM', '24:00' for the end of the day */
  closes: string;
  locationId: string | null;
  description: string;
}

export interface Listing {
  id: string;
  tenantId: string;
  organisationId: string | null;
  organisationName: string;
  name: string;
  summary: string;
  description: string;
  eligibility: string;
  howToAccess: string;
  status: ServiceStatus;
  published: boolean;
  phone: string | null;
  textNumber: string | null;
  email: string | null;
  url: string | null;
  selfReferral: boolean;
  hubReferral: boolean;
  free: boolean;
  costDescription: string;
  channels: Channel[];
  minimumAge: number | null;
  maximumAge: number | null;
  languages: string[];
  accessibility: Accessibility[];
  fiveWays: FiveWay[];
  crisis: boolean;
  national: boolean;
  serviceDistricts: string[];
  termIds: string[];
  source: string;
  demo: boolean;
  lastConfirmedAt: Date;
  locations: ListingLocation[];
  hours: ListingHours[];
  /** ORUK fields Lantern does not model, served back as they came */
  extra: Record<string, unknown>;
  version: number;
  updatedAt: Date;
}

/** What a caller supplies to save a listing; the store fills in the rest. */
export type ListingInput = Omit<Listing, 'version' | 'updatedAt' | 'lastConfirmedAt'> & { lastConfirmedAt?: Date };
