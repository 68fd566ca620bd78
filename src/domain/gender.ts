// Gender as a person describes it, in the few values services report on.
export const GENDERS = {
  female: 'Female',
  male: 'Male',
  'non-binary': 'Non-binary',
  'not-stated': 'Prefers not to say',
} as const;

export type Gender = keyof typeof GENDERS;

export function genderLabel(value: string | null | undefined): string | undefined {
  return value && value in GENDERS ? GENDERS[value as Gender] : undefined;
}
