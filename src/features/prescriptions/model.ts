// What a social prescription is, as the rest of the feature sees it.
import type { DeclineReason, DropOutReason, PrescriptionState, WithdrawReason } from '../../domain/prescription-states.ts';

export interface Prescription {
  id: string;
  tenantId: string;
  episodeId: string;
  personId: string;
  prescriberOrganisationId: string;
  prescriberOrganisationName: string;
  prescribedBy: string;
  prescribedByName: string;
  prescribedByEmail: string;
  /** the directory listing, when one was prescribed */
  serviceId: string | null;
  /** the listing's or provider's name when it was prescribed */
  serviceName: string;
  /** whose inbox it is in; null when nobody in Lantern runs the activity */
  providerOrganisationId: string | null;
  providerOrganisationName: string | null;
  note: string;
  state: PrescriptionState;
  sentAt: Date;
  answeredAt: Date | null;
  declineReason: DeclineReason | null;
  startedOn: string | null;
  endedOn: string | null;
  dropOutReason: DropOutReason | null;
  withdrawReason: WithdrawReason | null;
  outcomeNote: string | null;
  closedAt: Date | null;
  chaseCount: number;
  nextChaseAt: Date | null;
  unansweredReportedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** The navigator records the progress of an activity nobody in Lantern runs. */
export function isSelfRecorded(p: Pick<Prescription, 'providerOrganisationId'>): boolean {
  return p.providerOrganisationId === null;
}

export interface PrescriptionEvent {
  id: number;
  at: Date;
  actorUserId: string | null;
  actorName: string | null;
  actorOrganisationName: string | null;
  kind: string;
  fromState: PrescriptionState | null;
  toState: PrescriptionState | null;
  note: string | null;
  detail: Record<string, unknown> | null;
}

export interface Attendance {
  id: string;
  sessionOn: string;
  attended: boolean;
  note: string;
  recordedByName: string | null;
  recordedAt: Date;
}

/** At most this many reminders go to a provider before the navigator is told. */
export const MAX_CHASES = 3;
export const NOTE_MAX = 1000;
export const ATTENDANCE_NOTE_MAX = 500;
