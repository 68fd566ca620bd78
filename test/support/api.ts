// The partner API in tests: keys made straight in the database, requests through inject() with
// the key, and a check that every response is the one the OpenAPI description documents for that
// operation and status (schemas compiled with Ajv for JSON Schema 2020-12, formats checked).
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Database } from '../../src/db/database.ts';
import { issueApiKey } from '../../src/features/referrals/api/keys.ts';
import { openApiDocument } from '../../src/features/referrals/api/openapi.ts';
import type { TestApp } from './app.ts';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

export const DOC_ID = 'https://lantern.test/api/v1/openapi.json';

/** The parts of an OpenAPI document the tests read. */
export interface MediaType { schema: object; examples?: Record<string, { summary?: string; value: unknown }> }
export interface ResponseObject { $ref?: string; description?: string; content?: Record<string, MediaType>; headers?: Record<string, unknown> }
export interface Operation {
  operationId: string;
  parameters?: unknown[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, ResponseObject>;
}
export interface OpenApiDoc {
  openapi: string;
  info: { description: string };
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { enum?: unknown[]; properties?: Record<string, unknown> }>;
    securitySchemes: Record<string, Record<string, unknown>>;
    parameters: Record<string, { required?: boolean }>;
  };
}
export const doc = openApiDocument() as unknown as OpenApiDoc;

/**
 * Ajv in strict mode, so a misspelt keyword in a schema is an error, not a silent no-op. The
 * OpenAPI document's own top-level fields are declared as words Ajv should not read as schema.
 */
export function openApiAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true });
  addFormats(ajv);
  ajv.addVocabulary(['openapi', 'info', 'servers', 'paths', 'components', 'security', 'tags', 'jsonSchemaDialect', 'webhooks', 'externalDocs']);
  ajv.addSchema(doc, DOC_ID);
  return ajv;
}

const ajv = openApiAjv();
const validators = new Map<string, ValidateFunction>();

/** A validator for the schema at a JSON pointer in the description. */
export function validatorAt(pointer: string): ValidateFunction {
  let validate = validators.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOC_ID}#${pointer}` });
    validators.set(pointer, validate);
  }
  return validate;
}

export const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Follows a local $ref ('#/components/responses/X') in the description. */
export function resolve<T extends { $ref?: string }>(value: T): { value: T; pointer: string | null } {
  if (typeof value?.$ref !== 'string') return { value, pointer: null };
  const pointer = value.$ref.slice(1);
  const found = pointer.split('/').slice(1).reduce<unknown>(
    (node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined),
    doc,
  );
  assert.ok(found, `the description's ${value.$ref} exists`);
  return { value: found as T, pointer };
}

/** The documented path template of an API URL ('/api/v1/referrals/K7P9-Q2XM' gives '/referrals/{reference}'). */
function templateFor(url: string): string {
  const path = url.split('?')[0]!.replace(/^\/api\/v1/, '');
  const template = Object.keys(doc.paths).find((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
  assert.ok(template, `${path} is a documented path`);
  return template;
}

/**
 * Asserts that the response's status is documented for the operation, and that its JSON body
 * validates against the documented schema. Returns the parsed body.
 */
export function documented<T = ApiBody>(method: string, url: string, response: LightMyRequestResponse | { statusCode: number; body: string }): T {
  const template = templateFor(url);
  const operation = doc.paths[template]![method.toLowerCase()];
  assert.ok(operation, `${method} ${template} is documented`);
  const status = String(response.statusCode);
  const entry = operation.responses[status] ?? operation.responses.default;
  assert.ok(entry, `${method} ${template} documents status ${status} (body: ${response.body.slice(0, 300)})`);
  const { value: documentedResponse, pointer: responsePointer } = resolve(entry);
  const base = responsePointer ?? `/paths/${escapePointer(template)}/${method.toLowerCase()}/responses/${status}`;
  const body = JSON.parse(response.body) as T;
  if (documentedResponse.content?.['application/json']) {
    const validate = validatorAt(`${base}/content/application~1json/schema`);
    assert.ok(validate(body), `${method} ${url} ${status} matches its documented schema: ${ajv.errorsText(validate.errors)}\n${response.body.slice(0, 500)}`);
  }
  return body;
}

/** A working key for the organisation (by name, in the tenant), made as an administrator would. */
export async function keyFor(db: Database, tenantId: string, organisationName: string, name = 'Test system'): Promise<{ key: string; keyId: string; organisationId: string }> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM organisations WHERE tenant_id = $1 AND name = $2', [tenantId, organisationName]);
  const organisationId = rows[0]?.id;
  assert.ok(organisationId, `organisation ${organisationName} in ${tenantId}`);
  const issued = await issueApiKey(db, { tenantId, organisationId, name: `${name} ${Math.random().toString(36).slice(2, 8)}`, createdBy: null });
  return { key: issued.key, keyId: issued.id, organisationId };
}

/** Any answer of the API, loosely: each test reads the fields its answer has. */
export interface ApiBody {
  id: string;
  reference: string;
  status: string;
  statusText: string;
  receivedAt: string;
  updatedAt: string;
  links: { self: string; next: string | null };
  closure: { reason: string; reasonText: string; closedAt: string };
  data: ApiBody[];
  nextCursor: string | null;
  error: { code: string; message: string; fields: { field: string; message: string }[]; requestId: string };
}

export interface ApiResponse<T = ApiBody> {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: T;
  raw: LightMyRequestResponse;
}

/** A partner system calling the API with its key; every answer is checked against the description. */
export class ApiCaller {
  constructor(private readonly t: TestApp, readonly key: string | null) {}

  async call<T = ApiBody>(method: 'GET' | 'POST', url: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...(this.key ? { authorization: `Bearer ${this.key}` } : {}), ...options.headers };
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    const raw = await this.t.app.inject({
      method, url, headers,
      ...(options.body !== undefined ? { payload: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
    });
    return { status: raw.statusCode, headers: raw.headers, body: documented<T>(method, url, raw), raw };
  }

  submit<T = ApiBody>(body: unknown, idempotencyKey: string | null = crypto.randomUUID(), headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    return this.call<T>('POST', '/api/v1/referrals', { body, headers: { ...(idempotencyKey === null ? {} : { 'idempotency-key': idempotencyKey }), ...headers } });
  }

  get<T = ApiBody>(url: string): Promise<ApiResponse<T>> {
    return this.call<T>('GET', url);
  }
}

let counter = 0;

/**
 * A different date of birth for each of 11,520 people, always on the 13th or later, so that no
 * two are the same date with day and month swapped (which person matching offers as a likely match).
 */
export function dateOfBirth(n: number): string {
  const year = 1940 + (n % 60);
  const month = 1 + (Math.floor(n / 60) % 12);
  const day = 13 + (Math.floor(n / 720) % 16);
  return `${year}-${String(month).padStart(2, '0')}-${day}`;
}

/** A valid referral body for a different made-up person each time (all demo data: 07700 900xxx, example.com). */
export interface ReferralBody extends Record<string, unknown> {
  person: Record<string, unknown>;
  consent: Record<string, unknown>;
  referrer: Record<string, unknown>;
}

export function referralBody(overrides: Record<string, unknown> = {}): ReferralBody {
  counter++;
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const suffix = [...String(counter).padStart(4, '0')].map((d) => letters[Number(d)]).join('');
  return {
    person: {
      givenName: 'Robin',
      familyName: `Apitest-${suffix}`,
      dateOfBirth: dateOfBirth(counter),
      postcode: 'DA1 1AA',
      phone: `07700 900${String(counter % 1000).padStart(3, '0')}`,
    },
    contactPreferences: { call: true, voicemail: false, text: true, email: false, letter: false, times: 'Afternoons', notes: '' },
    consent: { personAgrees: true, gpShare: true },
    reason: 'Low mood and not sleeping since a bereavement; would like someone to talk to.',
    needs: ['lantern-needs:depression'],
    urgency: 'routine',
    crisis: false,
    referrer: { name: 'Dr Alex Morgan', role: 'GP', email: 'alex.morgan@example.org' },
    ...overrides,
  };
}
