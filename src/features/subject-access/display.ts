// The printable copy: every exported record as labelled fields a person can read, built from the
// same data as the JSON file so the two never disagree. Pure: no I/O.
import { formatPence } from '../../domain/money.ts';
import { formatDate, formatDateTime } from '../../platform/views.ts';
import type { SubjectAccessRecord } from '../../platform/subject-access.ts';

export interface DisplayField {
  label: string;
  /** the value in words, when it is a single value */
  text?: string;
  /** nested records (a referral's history), each a list of fields */
  records?: DisplayField[][];
}

/** Column names in words: 'given_name' gives 'Given name'. */
export function labelOf(key: string): string {
  const words = key.replace(/_name$/, '').replace(/_id$/, '').replace(/_pence$/, '').replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

function textOf(key: string, value: unknown): string | DisplayField[][] {
  if (value === null || value === undefined || value === '') return 'Not recorded';
  if (value === true) return 'Yes';
  if (value === false) return 'No';
  if (value instanceof Date) return formatDateTime(value);
  if (typeof value === 'number') return key.endsWith('_pence') && Number.isSafeInteger(value) ? formatPence(value) : value.toLocaleString('en-GB');
  if (typeof value === 'string') {
    if (ISO_DATE.test(value)) return formatDate(value);
    if (ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value))) return formatDateTime(value);
    return value;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return 'None';
    if (value.every((v) => v === null || typeof v !== 'object')) return value.map((v) => String(v ?? '')).join(', ');
    return value.map((v) => (v && typeof v === 'object' ? displayRecord(v as SubjectAccessRecord) : [{ label: 'Value', text: String(v) }]));
  }
  if (typeof value === 'object') return [displayRecord(value as SubjectAccessRecord)];
  return String(value);
}

/**
 * One record as fields. A staff or organisation id is shown as the name found for it (its
 * `<key>_name`), and the name field itself is not repeated.
 */
export function displayRecord(record: SubjectAccessRecord): DisplayField[] {
  const fields: DisplayField[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (key.endsWith('_name') && `${key.slice(0, -'_name'.length)}` in record) continue;
    const named = record[`${key}_name`];
    const shown = typeof named === 'string' ? named : textOf(key, value);
    fields.push(typeof shown === 'string' ? { label: labelOf(key), text: shown } : { label: labelOf(key), records: shown });
  }
  return fields;
}
