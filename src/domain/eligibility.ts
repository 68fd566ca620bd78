// Who a local service is for: old enough, and living in the area or registered with a GP in it.
// Pure: no I/O. What is not known is never a reason to turn someone away: triage checks it, so
// it comes back as something to check, not as a reason they are not eligible.

import { calendarDateParts, isCalendarDate } from './calendar-date.ts';
import { parsePostcode } from './postcode.ts';

/**
 * Age in whole years on a date. Someone born on 29 February turns a year older on 1 March in a
 * common year: the UK convention (written into the Age of Legal Capacity (Scotland) Act 1991,
 * section 6). Comparing (month, day) with (2, 29) gives exactly that, as 28 February comes
 * before it and 1 March after. Throws for a date that is not 'YYYY-MM-DD' or is before the birth.
 */
export function ageOn(dateOfBirth: string, date: string): number {
  const born = calendarDateParts(dateOfBirth);
  const on = calendarDateParts(date);
  const beforeBirthday = on.month < born.month || (on.month === born.month && on.day < born.day);
  const age = on.year - born.year - (beforeBirthday ? 1 : 0);
  if (age < 0) throw new Error(`${date} is before the date of birth ${dateOfBirth}`);
  return age;
}

export interface EligibilityRules {
  minimumAge: number;
  /** Postcode districts of the area ('ME4', 'CT9'). Case and spaces do not matter. */
  districts: ReadonlySet<string>;
}

export interface EligibilityInput {
  /** 'YYYY-MM-DD', or null when not known */
  dateOfBirth: string | null;
  /** Postcode district where the person lives ('ME4'); a full postcode is accepted too. */
  district: string | null;
  /** Registered with a GP practice in the area; null when not known. */
  gpInArea: boolean | null;
  /** The date to check on, 'YYYY-MM-DD' (usually the day the referral was received). */
  on: string;
}

export type IneligibleReason = { code: 'under_minimum_age' | 'outside_area'; message: string };
export type EligibilityCheck = { code: 'age_unknown' | 'area_unknown' | 'gp_unknown'; message: string };

export interface EligibilityResult {
  eligible: boolean;
  /** Why not eligible. Empty when eligible. */
  reasons: IneligibleReason[];
  /** What was not known and triage should check. Does not affect `eligible`. */
  checks: EligibilityCheck[];
}

/** The district of a district or full postcode ('me4 4qf' gives 'ME4'), else the text tidied. */
function districtOf(text: string): string {
  const parsed = parsePostcode(text);
  return parsed.ok ? parsed.district : text.replace(/\s+/g, '').toUpperCase();
}

/**
 * Is the person someone the service is for? Eligible when old enough (an unknown date of birth
 * counts as old enough) and when they live in one of the districts or are registered with a GP
 * in the area (when neither is known, they count as in the area). Messages are for staff.
 *
 * A date of birth after `on` is a typing mistake, not a baby: it is treated as unknown and
 * listed in `checks`. A date of birth or `on` that is not 'YYYY-MM-DD' at all throws.
 */
export function checkEligibility(input: EligibilityInput, rules: EligibilityRules): EligibilityResult {
  const reasons: IneligibleReason[] = [];
  const checks: EligibilityCheck[] = [];
  calendarDateParts(input.on);

  const dateOfBirth = input.dateOfBirth?.trim() || null;
  if (dateOfBirth === null) {
    checks.push({ code: 'age_unknown', message: 'Date of birth not known: check their age.' });
  } else if (dateOfBirth > input.on && isCalendarDate(dateOfBirth)) {
    checks.push({ code: 'age_unknown', message: `The date of birth ${dateOfBirth} is after ${input.on}: check it.` });
  } else {
    const age = ageOn(dateOfBirth, input.on);
    if (age < rules.minimumAge) {
      reasons.push({ code: 'under_minimum_age', message: `Aged ${age}: the service is for people aged ${rules.minimumAge} and over.` });
    }
  }

  const district = input.district?.trim() ? districtOf(input.district) : null;
  const inArea = district !== null && [...rules.districts].some((d) => districtOf(d) === district);
  if (!inArea && input.gpInArea !== true) {
    if (district !== null && input.gpInArea === false) {
      reasons.push({
        code: 'outside_area',
        message: `Lives in ${district}, outside the area, and is not registered with a GP in the area.`,
      });
    } else if (district !== null) {
      checks.push({ code: 'gp_unknown', message: `Lives in ${district}, outside the area: check whether they are registered with a GP in the area.` });
    } else if (input.gpInArea === false) {
      checks.push({ code: 'area_unknown', message: 'Not registered with a GP in the area, and where they live is not known: check their address.' });
    } else {
      checks.push({ code: 'area_unknown', message: 'Where they live and their GP are not known: check they are in the area.' });
    }
  }

  return { eligible: reasons.length === 0, reasons, checks };
}
