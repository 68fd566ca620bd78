// The words of referrals: where they come from, how they arrive, and the shape of one referral
// as the rest of the feature sees it.
import type { ContactPreferences } from '../../domain/contact-preferences.ts';
import type { ReferralState, UnableReason } from '../../domain/referral-states.ts';
import type { Urgency } from '../../domain/working-days.ts';

export const REFERRAL_SOURCES = [
  'self', 'carer', 'gp', 'delivery_network', 'other_statutory', 'camhs', 'police', 'probation',
  'secondary_mental_health', 'voluntary', 'other',
] as const;
export type ReferralSource = (typeof REFERRAL_SOURCES)[number];

export const SOURCE_NAMES: Record<ReferralSource, string> = {
  self: 'Self-referral',
  carer: 'Carer, family member or friend',
  gp: 'GP',
  delivery_network: 'Delivery network provider',
  other_statutory: 'Other statutory service',
  camhs: 'Children and young people’s mental health service (CAMHS)',
  police: 'Police',
  probation: 'Probation',
  secondary_mental_health: 'Secondary mental health service',
  voluntary: 'Voluntary or community organisation',
  other: 'Other',
};

export const REFERRAL_CHANNELS = ['web', 'phone', 'email', 'text', 'face_to_face', 'letter', 'api'] as const;
export type ReferralChannel = (typeof REFERRAL_CHANNELS)[number];

export const CHANNEL_NAMES: Record<ReferralChannel, string> = {
  web: 'Website form',
  phone: 'Phone (freephone)',
  email: 'Email',
  text: 'Text message',
  face_to_face: 'Face to face',
  letter: 'Letter',
  api: 'Partner system (API)',
};

export const URGENCY_NAMES: Record<Urgency, string> = {
  crisis: 'Crisis: see now',
  urgent: 'Urgent: respond within the urgent time',
  routine: 'Routine',
};

export const MENTAL_HEALTH_NEEDS = ['smi', 'cmi', 'not_known'] as const;
export type MentalHealthNeed = (typeof MENTAL_HEALTH_NEEDS)[number];
export const MENTAL_HEALTH_NEED_NAMES: Record<MentalHealthNeed, string> = {
  smi: 'Serious mental illness (SMI)',
  cmi: 'Common mental illness (CMI)',
  not_known: 'Not known yet',
};

/** Why a referral was closed: the unable-to-sign-up reasons, and two that are not counted as such. */
export type CloseReason = UnableReason | 'duplicate' | 'entered_in_error';

export type MatchStatus = 'linked' | 'created' | 'needs_review';

export interface EligibilityResult {
  eligible: boolean;
  reasons: { code: string; message: string }[];
}

/** The person as the referral described them (what was sent, kept as sent). */
export interface ReferredPerson {
  givenName: string;
  familyName: string;
  dateOfBirth: string | null;
  nhsNumber: string | null;
  postcode: string | null;
  district: string | null;
  phone: string | null;
  email: string | null;
  gpOrganisationId: string | null;
  gpPracticeName: string | null;
}

export interface Referrer {
  organisationId: string | null;
  organisationName: string | null;
  userId: string | null;
  name: string | null;
  role: string | null;
  relationship: string | null;
  email: string | null;
  phone: string | null;
}

export interface Referral {
  id: string;
  tenantId: string;
  reference: string;
  personId: string | null;
  matchStatus: MatchStatus;
  source: ReferralSource;
  channel: ReferralChannel;
  receivedAt: Date;
  originalReceivedAt: Date;
  redirectedFromId: string | null;
  fastTrack: boolean;
  referrer: Referrer;
  subject: ReferredPerson;
  contactPreferences: ContactPreferences;
  consentGpShare: boolean | null;
  personConsents: boolean | null;
  reason: string;
  needs: string[];
  crisisFlag: boolean;
  eligibility: EligibilityResult;
  urgency: Urgency;
  dueAt: Date;
  state: ReferralState;
  triagedAt: Date | null;
  triagedBy: string | null;
  triageReasons: string | null;
  mentalHealthNeed: MentalHealthNeed | null;
  dualDiagnosis: boolean | null;
  offendingHistory: boolean | null;
  areaId: string | null;
  areaName: string | null;
  routedOrganisationId: string | null;
  routedOrganisationName: string | null;
  responsibleUserId: string | null;
  responsibleUserName: string | null;
  redirectServiceId: string | null;
  redirectServiceName: string | null;
  redirectNote: string | null;
  redirectedToId: string | null;
  firstReachedAt: Date | null;
  lastContactAt: Date | null;
  contactAttempts: number;
  closedAt: Date | null;
  closeReason: CloseReason | null;
  closeNote: string | null;
  signedUpAt: Date | null;
  episodeId: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** A new referral, already checked and normalised by whichever way in it came (web form, staff form, API). */
export interface ReferralSubmission {
  source: ReferralSource;
  channel: ReferralChannel;
  referrer: Omit<Referrer, 'organisationName'>;
  person: ReferredPerson;
  /** null when the referral did not say (a professional who did not ask) */
  contactPreferences: ContactPreferences | null;
  consentGpShare: boolean | null;
  personConsents: boolean | null;
  reason: string;
  /** taxonomy term ids ('lantern-needs:anxiety') */
  needs: string[];
  /** "Are you in danger right now or thinking of ending your life?" answered yes */
  crisis: boolean;
  /** what the referrer asked for; triage decides */
  requestedUrgency: 'urgent' | 'routine' | null;
  /** scoped by who sent it: 'web:<uuid>', 'api:<organisation id>:<key>', 'staff:<uuid>' */
  idempotencyKey: string | null;
  /** when it reached the service, if not now (a phone message taken earlier); never in the future */
  receivedAt?: Date;
  /** a redirect's original date, kept so the person does not join the end of another list */
  originalReceivedAt?: Date;
  redirectedFromId?: string;
  fastTrack?: boolean;
  /**
   * The person this is about, when whoever makes it already knows them (a redirect passing the
   * person on, someone coming back after discharge): linked to that record without matching.
   */
  knownPersonId?: string;
}
