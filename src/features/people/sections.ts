// Sections other features add to a person's summary page (carers, crisis plan, social
// prescriptions ...). A feature registers a loader once, from its routes module; the page calls
// every loader in the page's transaction (after access to the person was decided) and gives each
// result to the template as `sections.<key>`, where the feature's own include renders it:
//
//   addPersonSection({ key: 'carers', load: (tx, ctx, person, basis) => carersForPerson(tx, ctx, person, basis) });
//   {% include "carers/views/_person-carers.njk" ignore missing %}   (already in person.njk)
//
// Each loader decides access to its own records and writes its own audit rows.
import type { Transaction } from '../../db/database.ts';
import type { StaffContext } from '../../platform/context.ts';
import type { Person } from './service.ts';

export interface PersonSection {
  key: string;
  /** `basis` is why the viewer may see the person, for the section's own audit rows */
  load(tx: Transaction, ctx: StaffContext, person: Person, basis: string): Promise<unknown>;
}

const sections = new Map<string, PersonSection>();

/** Adds (or, for the same key, replaces) a section of the person's page. */
export function addPersonSection(section: PersonSection): void {
  sections.set(section.key, section);
}

/** Every section's data for the person, by key. */
export async function loadPersonSections(tx: Transaction, ctx: StaffContext, person: Person, basis: string): Promise<Record<string, unknown>> {
  const loaded: Record<string, unknown> = {};
  for (const section of sections.values()) loaded[section.key] = await section.load(tx, ctx, person, basis);
  return loaded;
}
