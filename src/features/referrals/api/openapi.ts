// The partner API's description, served at GET /api/v1/openapi.json (OpenAPI 3.1, whose schemas
// are JSON Schema 2020-12). Built from the same constants the API checks against (field names,
// limits, need ids, states and their wording), so the description cannot drift from what the
// API does; the tests compile every schema in it and check every response against it.
import { REFERRAL_STATES, REFERRER_STATUS } from '../../../domain/referral-states.ts';
import { REFERENCE_ALPHABET } from '../../../domain/reference-code.ts';
import { NEEDS_TERMS } from '../../../seed/taxonomy.ts';
import { SOURCE_NAMES } from '../model.ts';
import { LIMITS, URGENCIES } from './request.ts';
import { CLOSURE_TEXT } from './service.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string, extra: Record<string, Json> = {}): Json => ({ type: [type, 'null'], ...extra });

const REFERENCE_PATTERN = `^[${REFERENCE_ALPHABET}]{4}-[${REFERENCE_ALPHABET}]{4}$`;
const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

const EXAMPLE_REQUEST = {
  person: {
    givenName: 'Sam',
    familyName: 'Taylor',
    dateOfBirth: '1988-07-21',
    nhsNumber: '9434765919',
    postcode: 'ME4 4QF',
    phone: '07700 900982',
    email: 'sam.taylor@example.com',
    gpPracticeOdsCode: 'G82001',
  },
  contactPreferences: { call: true, voicemail: false, text: true, email: false, letter: false, times: 'Weekday mornings', notes: 'Do not say where you are calling from if someone else answers.' },
  consent: { personAgrees: true, gpShare: true },
  reason: 'Low mood for six months since losing their job; isolated and struggling with debts. Would like help to get out more and sort out money.',
  needs: ['lantern-needs:depression', 'lantern-needs:loneliness', 'lantern-needs:debt-money'],
  urgency: 'routine',
  crisis: false,
  referrer: { name: 'Dr Alex Morgan', role: 'GP', email: 'alex.morgan@example.org', phone: '01632 960 001' },
};

const EXAMPLE_ACK = {
  id: '7f1c6a52-1d1e-4d6b-9b0b-5d2f0c6e8a41',
  reference: 'K7P9-Q2XM',
  status: 'received',
  statusText: REFERRER_STATUS.received,
  receivedAt: '2026-03-02T09:41:17.204Z',
  links: { self: '/api/v1/referrals/K7P9-Q2XM' },
};

const EXAMPLE_STATUS = { ...EXAMPLE_ACK, status: 'waiting', statusText: REFERRER_STATUS.waiting, updatedAt: '2026-03-03T14:05:52.918Z' };
const EXAMPLE_CLOSED = {
  ...EXAMPLE_ACK,
  status: 'unable_to_sign_up',
  statusText: REFERRER_STATUS.unable_to_sign_up,
  updatedAt: '2026-03-20T11:00:03.512Z',
  closure: { reason: 'no_response', reasonText: CLOSURE_TEXT.no_response, closedAt: '2026-03-20T11:00:03.512Z' },
};

const errorExample = (code: string, message: string, fields?: { field: string; message: string }[]) => ({
  error: { code, message, ...(fields ? { fields } : {}), requestId: '3b6f3e0a-9f0e-4d55-8a59-2a1b1f8c2d10' },
});

const errorResponse = (description: string, examples: Record<string, { summary: string; value: Json }>, headers: Record<string, Json> = {}): Json => ({
  description,
  headers: { 'X-Request-Id': { $ref: '#/components/headers/RequestId' }, ...headers },
  content: { 'application/json': { schema: ref('Error'), examples } },
});

const needsList = NEEDS_TERMS.map((t) => `- \`${t.id}\`: ${t.name}`).join('\n');
const statusList = REFERRAL_STATES.map((s) => `- \`${s}\`: ${REFERRER_STATUS[s]}`).join('\n');
const closureList = Object.entries(CLOSURE_TEXT).map(([code, text]) => `- \`${code}\`: ${text}`).join('\n');
const sourceList = Object.entries(SOURCE_NAMES).filter(([code]) => code !== 'self' && code !== 'carer').map(([, name]) => name).join(', ');

const DESCRIPTION = `Partner systems (GP practice systems, police, probation, CAMHS, the delivery network and other
services) refer people to the single point of access here, and follow the progress of what they sent.

**This is not an emergency service.** If someone is in danger now, call 999. For urgent mental
health help, the person can call NHS 111 and choose option 2, any time.

## Getting a key
A Lantern administrator makes a key for your organisation under *API keys*. It is shown once:
store it in your system's secret store. Every request sends it as \`Authorization: Bearer <key>\`.
A missing, wrong or revoked key is answered with 401. Referrals sent with a key count under your
organisation's source in the service's reports (${sourceList}).

## Sending a referral
\`POST /referrals\` with a JSON body (\`Content-Type: application/json\`, at most
${LIMITS.body / 1024} KB) and an \`Idempotency-Key\` header: a new value for each new referral
(a UUID is ideal). If you do not get an answer (a timeout, a dropped connection), send the same
body again with the same key: you get the same referral back (200, \`Idempotent-Replayed: true\`),
never a second one. The same key with a different body is refused with 422. Keys are kept
with the referral, so a key can never be used for another referral.

Only refer someone who agrees to it (\`consent.personAgrees\` must be \`true\`).

## Following progress
\`GET /referrals/{reference}\` gives one referral's progress; \`GET /referrals\` lists your
organisation's referrals in the order they last changed. To poll for changes, keep the
\`nextCursor\` of the last page and send it back as \`cursor\`: you get only what changed since.
You see the status and, when a referral is closed, a reason category: never clinical detail.

## Errors
Every error is JSON: \`{ "error": { "code", "message", "fields", "requestId" } }\`. \`fields\`
lists each problem with a request field, named by a JSON pointer into the body (like
\`/person/dateOfBirth\`) or by the query parameter or header, with a message saying what to send
instead. Quote the \`requestId\` if you ask for help.

## Needs
The \`needs\` of a referral are ids from this list:
${needsList}`;

function buildDocument(): Json {
  const statusProperties = {
    id: { type: 'string', format: 'uuid', pattern: UUID_PATTERN, description: 'Lantern’s id for the referral' },
    reference: { type: 'string', pattern: REFERENCE_PATTERN, description: 'The reference people quote: 8 characters with a check character', examples: ['K7P9-Q2XM'] },
    status: { $ref: '#/components/schemas/Status' },
    statusText: { type: 'string', description: 'The status in plain words, for showing to people' },
    receivedAt: { type: 'string', format: 'date-time', description: 'When the service received the referral' },
    links: {
      type: 'object',
      additionalProperties: false,
      required: ['self'],
      properties: { self: { type: 'string', format: 'uri-reference', description: 'Where to read the referral’s progress' } },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Lantern partner referrals API',
      version: '1.0.0',
      summary: 'Refer people to the single point of access from a partner system, and follow their progress.',
      description: DESCRIPTION,
    },
    servers: [{ url: '/api/v1', description: 'This Lantern service' }],
    security: [{ apiKey: [] }],
    tags: [{ name: 'Referrals', description: 'Referrals your organisation sends' }, { name: 'About', description: 'This description' }],
    paths: {
      '/referrals': {
        post: {
          tags: ['Referrals'],
          operationId: 'submitReferral',
          summary: 'Refer someone',
          description: 'Creates one referral, or gives back the one already made with the same Idempotency-Key and body.',
          parameters: [{ $ref: '#/components/parameters/IdempotencyKey' }],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('ReferralRequest'), examples: { gp: { summary: 'A GP refers a patient', value: EXAMPLE_REQUEST } } } },
          },
          responses: {
            201: {
              description: 'Referral received. An acknowledgement with the reference is also emailed to the referrer, when an email address was given.',
              headers: {
                Location: { description: 'Where to read the referral’s progress', schema: { type: 'string', format: 'uri-reference' } },
                'X-Request-Id': { $ref: '#/components/headers/RequestId' },
              },
              content: { 'application/json': { schema: ref('Acknowledgement'), examples: { received: { summary: 'Received', value: EXAMPLE_ACK } } } },
            },
            200: {
              description: 'The same referral, sent again with the same Idempotency-Key and body: nothing new was made.',
              headers: {
                'Idempotent-Replayed': { description: 'Always true: this answers an earlier request', schema: { type: 'string', const: 'true' } },
                Location: { description: 'Where to read the referral’s progress', schema: { type: 'string', format: 'uri-reference' } },
                'X-Request-Id': { $ref: '#/components/headers/RequestId' },
              },
              content: { 'application/json': { schema: ref('Acknowledgement'), examples: { replayed: { summary: 'Sent again', value: EXAMPLE_ACK } } } },
            },
            400: errorResponse('Something in the request needs correcting: each problem is listed in `fields`. Nothing was saved.', {
              fields: {
                summary: 'Problems with fields',
                value: errorExample('invalid', 'There is a problem with the referral. Nothing has been saved. Correct the fields listed and send it again.', [
                  { field: '/person/dateOfBirth', message: 'The person’s date of birth must be in the past' },
                  { field: '/needs/1', message: 'Unknown need "sadness". Use an id from the list in the API description (GET /api/v1/openapi.json), like "lantern-needs:anxiety"' },
                ]),
              },
              key: {
                summary: 'No Idempotency-Key',
                value: errorExample('idempotency_key', 'Send an Idempotency-Key header with a new value for each new referral (a UUID is ideal), and the same value when you send the same referral again', [
                  { field: 'Idempotency-Key', message: 'Send an Idempotency-Key header with a new value for each new referral (a UUID is ideal), and the same value when you send the same referral again' },
                ]),
              },
            }),
            401: { $ref: '#/components/responses/Unauthenticated' },
            413: errorResponse(`The body is larger than ${LIMITS.body / 1024} KB.`, { large: { summary: 'Too large', value: errorExample('too_large', 'What you sent is too large. Send less and try again.') } }),
            415: errorResponse('The body is not sent as application/json.', {
              type: { summary: 'Wrong content type', value: errorExample('unsupported_media_type', 'Send the referral as JSON, with the header Content-Type: application/json.') },
            }),
            422: errorResponse('This Idempotency-Key was already used with a different body. Nothing was saved.', {
              reused: {
                summary: 'Key reused',
                value: errorExample('idempotency_key_reused', 'This idempotency key was already used for a different referral. Use a new key for each new referral, and the same key only to send the same referral again.'),
              },
            }),
            500: { $ref: '#/components/responses/ServerError' },
          },
        },
        get: {
          tags: ['Referrals'],
          operationId: 'listReferrals',
          summary: 'Your organisation’s referrals, in the order they last changed',
          description: 'A page at a time. Send `nextCursor` back as `cursor` for the next page, and to poll later for what has changed since.',
          parameters: [
            { $ref: '#/components/parameters/UpdatedSince' },
            { $ref: '#/components/parameters/Limit' },
            { $ref: '#/components/parameters/Cursor' },
          ],
          responses: {
            200: {
              description: 'A page of referrals, oldest change first',
              headers: { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } },
              content: {
                'application/json': {
                  schema: ref('ReferralPage'),
                  examples: {
                    page: {
                      summary: 'A page',
                      value: { data: [EXAMPLE_STATUS, EXAMPLE_CLOSED], nextCursor: 'MjAyNi0wMy0yMFQxMTowMDowMy41MTIzNDVaLzdmMWM2YTUyLTFkMWUtNGQ2Yi05YjBiLTVkMmYwYzZlOGE0MQ', links: { self: '/api/v1/referrals?limit=2', next: '/api/v1/referrals?limit=2&cursor=MjAyNi0wMy0yMFQxMTowMDowMy41MTIzNDVaLzdmMWM2YTUyLTFkMWUtNGQ2Yi05YjBiLTVkMmYwYzZlOGE0MQ' } },
                    },
                  },
                },
              },
            },
            400: errorResponse('A query parameter needs correcting: each problem is listed in `fields`.', {
              since: {
                summary: 'updatedSince without a time zone',
                value: errorExample('invalid', 'There is a problem with the query. Correct the parameters listed and try again.', [
                  { field: 'updatedSince', message: 'Give updatedSince as a date and time with a time zone, like 2026-03-01T09:00:00Z' },
                ]),
              },
            }),
            401: { $ref: '#/components/responses/Unauthenticated' },
            500: { $ref: '#/components/responses/ServerError' },
          },
        },
      },
      '/referrals/{reference}': {
        get: {
          tags: ['Referrals'],
          operationId: 'getReferral',
          summary: 'One referral’s progress',
          parameters: [{ $ref: '#/components/parameters/Reference' }],
          responses: {
            200: {
              description: 'The referral’s progress',
              headers: { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } },
              content: {
                'application/json': {
                  schema: ref('ReferralStatus'),
                  examples: { waiting: { summary: 'On the waiting list', value: EXAMPLE_STATUS }, closed: { summary: 'Closed', value: EXAMPLE_CLOSED } },
                },
              },
            },
            401: { $ref: '#/components/responses/Unauthenticated' },
            404: errorResponse('There is no referral with this reference that your organisation sent.', {
              missing: { summary: 'Not found', value: errorExample('not_found', 'We cannot find that referral. It may have moved, or you may not have access to it.') },
            }),
            500: { $ref: '#/components/responses/ServerError' },
          },
        },
      },
      '/openapi.json': {
        get: {
          tags: ['About'],
          operationId: 'getDescription',
          summary: 'This description',
          security: [],
          responses: {
            200: { description: 'The OpenAPI 3.1 description of this API', content: { 'application/json': { schema: { type: 'object' } } } },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'lantern_live_ and 43 characters',
          description: 'Your organisation’s API key, from a Lantern administrator: `Authorization: Bearer lantern_live_…`',
        },
      },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: true,
          description: 'A new value for each new referral (a UUID is ideal); the same value when you send the same referral again.',
          schema: { type: 'string', minLength: 1, maxLength: LIMITS.idempotencyKey, pattern: '^[\\x20-\\x7e]+$' },
          examples: { uuid: { value: '5b0f8f0e-3c7a-4d0e-9a43-1b1b5d1e9a20' } },
        },
        Reference: {
          name: 'reference',
          in: 'path',
          required: true,
          description: 'The referral’s reference, as given when it was sent (case, spaces and the hyphen do not matter)',
          schema: { type: 'string', maxLength: 20 },
          examples: { reference: { value: 'K7P9-Q2XM' } },
        },
        UpdatedSince: {
          name: 'updatedSince',
          in: 'query',
          description: 'Only referrals that changed at or after this time (a date and time with a time zone)',
          schema: { type: 'string', format: 'date-time' },
          examples: { since: { value: '2026-03-01T09:00:00Z' } },
        },
        Limit: {
          name: 'limit',
          in: 'query',
          description: `How many referrals a page holds (default ${LIMITS.pageSize})`,
          schema: { type: 'integer', minimum: 1, maximum: LIMITS.maxPageSize, default: LIMITS.pageSize },
        },
        Cursor: {
          name: 'cursor',
          in: 'query',
          description: 'Where to continue from: the `nextCursor` of the page before',
          schema: { type: 'string', maxLength: 120 },
        },
      },
      headers: {
        RequestId: { description: 'This request’s id: quote it if you ask for help', schema: { type: 'string' } },
      },
      responses: {
        Unauthenticated: {
          description: 'The API key is missing, not a Lantern key, not known, or revoked.',
          headers: {
            'WWW-Authenticate': { description: 'Bearer, as RFC 6750 says', schema: { type: 'string' } },
            'X-Request-Id': { $ref: '#/components/headers/RequestId' },
          },
          content: {
            'application/json': {
              schema: ref('Error'),
              examples: {
                missing: { summary: 'No key', value: errorExample('unauthenticated', 'Send your organisation’s API key in the Authorization header, like: Authorization: Bearer lantern_live_… Ask your Lantern administrator for a key.') },
                revoked: { summary: 'Revoked key', value: errorExample('unauthenticated', 'This API key has been revoked. Ask your Lantern administrator for a new key.') },
              },
            },
          },
        },
        ServerError: errorResponse('Lantern could not do this just now. Nothing was saved; try again in a few minutes with the same Idempotency-Key.', {
          fault: { summary: 'A fault', value: errorExample('internal', 'We could not do that just now. What you sent has not been saved. Try again in a few minutes.') },
        }),
      },
      schemas: {
        ReferralRequest: {
          type: 'object',
          additionalProperties: false,
          required: ['person', 'consent', 'reason', 'referrer'],
          properties: {
            person: ref('Person'),
            contactPreferences: ref('ContactPreferences'),
            consent: ref('Consent'),
            reason: { type: 'string', minLength: 1, maxLength: LIMITS.reason, description: 'Why the person is being referred, and what they would like help with' },
            needs: { type: 'array', items: ref('Need'), description: 'What the person needs help with, as need ids (see the list above)' },
            urgency: { enum: [...URGENCIES], default: 'routine', description: 'Urgent: first response within the service’s urgent time (usually 24 hours). Routine: first contact within its working days.' },
            crisis: { type: 'boolean', default: false, description: 'The person is in danger now or thinking of ending their life: the referral goes to the top of the queue and the single point of access is told at once. Call 999 as well if they are in danger now.' },
            referrer: ref('Referrer'),
          },
        },
        Person: {
          type: 'object',
          additionalProperties: false,
          description: 'Who the referral is for. Give a phone number or an email address (or both).',
          required: ['givenName', 'familyName', 'dateOfBirth'],
          anyOf: [{ required: ['phone'], properties: { phone: { type: 'string' } } }, { required: ['email'], properties: { email: { type: 'string' } } }],
          properties: {
            givenName: { type: 'string', minLength: 1, maxLength: LIMITS.name },
            familyName: { type: 'string', minLength: 1, maxLength: LIMITS.name },
            dateOfBirth: { type: 'string', format: 'date', description: 'YYYY-MM-DD, in the past' },
            nhsNumber: nullable('string', { pattern: '^[\\s-]*(?:[0-9][\\s-]*){10}$', description: '10 digits with a valid check digit; spaces allowed' }),
            postcode: nullable('string', { description: 'A full UK postcode, like ME4 4QF' }),
            phone: nullable('string', { description: 'A UK phone number, like 07700 900982' }),
            email: nullable('string', { format: 'email', maxLength: 254 }),
            gpPracticeName: nullable('string', { maxLength: LIMITS.gpPracticeName }),
            gpPracticeOdsCode: nullable('string', {
              pattern: '^[A-Za-z0-9]{3,10}$',
              description: 'The GP practice’s ODS code, like G82001. A practice in the service’s area is linked by it (this also tells the service the person’s GP is in its area); any other is kept with the name for triage to read.',
            }),
          },
        },
        ContactPreferences: {
          type: 'object',
          additionalProperties: false,
          description: 'How it is safe to contact the person, as they said. A method left out counts as not safe. Leave the whole object out if you did not ask.',
          properties: {
            call: { type: 'boolean', description: 'May the service phone them?' },
            voicemail: { type: 'boolean', description: 'May it leave a voicemail (someone else may hear it)? Needs call.' },
            text: { type: 'boolean', description: 'May it send text messages?' },
            email: { type: 'boolean', description: 'May it email them?' },
            letter: { type: 'boolean', description: 'May it send letters (someone else may open them)?' },
            times: nullable('string', { maxLength: LIMITS.times, description: 'The best times, in their words' }),
            notes: nullable('string', { maxLength: LIMITS.notes, description: 'Anything else to know before contacting them' }),
          },
        },
        Consent: {
          type: 'object',
          additionalProperties: false,
          required: ['personAgrees'],
          properties: {
            personAgrees: { const: true, description: 'The person knows about this referral and agrees to it' },
            gpShare: nullable('boolean', { description: 'They agree the service may share information with their GP' }),
          },
        },
        Referrer: {
          type: 'object',
          additionalProperties: false,
          description: 'Who is referring: the service may contact you about the referral. Give an email address or a phone number.',
          required: ['name'],
          anyOf: [{ required: ['email'], properties: { email: { type: 'string' } } }, { required: ['phone'], properties: { phone: { type: 'string' } } }],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: LIMITS.referrerName },
            role: nullable('string', { maxLength: LIMITS.referrerRole, examples: ['GP', 'Probation officer'] }),
            email: nullable('string', { format: 'email', maxLength: 254, description: 'The acknowledgement with the reference goes here' }),
            phone: nullable('string'),
          },
        },
        Need: { enum: NEEDS_TERMS.map((t) => t.id), description: 'A need id (see the list in this description)' },
        Status: { enum: [...REFERRAL_STATES], description: `Where the referral is now:\n${statusList}` },
        Acknowledgement: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'reference', 'status', 'statusText', 'receivedAt', 'links'],
          properties: statusProperties,
        },
        ReferralStatus: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'reference', 'status', 'statusText', 'receivedAt', 'updatedAt', 'links'],
          properties: {
            ...statusProperties,
            updatedAt: { type: 'string', format: 'date-time', description: 'When the referral last changed' },
            closure: ref('Closure'),
          },
        },
        Closure: {
          type: 'object',
          additionalProperties: false,
          description: `Why the referral was closed without support starting: a category, never clinical detail.\n${closureList}`,
          required: ['reason', 'reasonText', 'closedAt'],
          properties: {
            reason: { enum: Object.keys(CLOSURE_TEXT) },
            reasonText: { type: 'string' },
            closedAt: { type: 'string', format: 'date-time' },
          },
        },
        ReferralPage: {
          type: 'object',
          additionalProperties: false,
          required: ['data', 'nextCursor', 'links'],
          properties: {
            data: { type: 'array', items: ref('ReferralStatus') },
            nextCursor: nullable('string', { description: 'Send this back as cursor for the next page, or later to get what has changed since. Null only when there is nothing yet.' }),
            links: {
              type: 'object',
              additionalProperties: false,
              required: ['self', 'next'],
              properties: {
                self: { type: 'string', format: 'uri-reference' },
                next: nullable('string', { format: 'uri-reference', description: 'The next page, when this one was full' }),
              },
            },
          },
        },
        Error: {
          type: 'object',
          additionalProperties: false,
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              additionalProperties: false,
              required: ['code', 'message', 'requestId'],
              properties: {
                code: { type: 'string', description: 'For programs: invalid, invalid_json, idempotency_key, idempotency_key_reused, unauthenticated, not_found, too_large, unsupported_media_type, bad_request, internal' },
                message: { type: 'string', description: 'For people: what is wrong and what to do' },
                fields: {
                  type: 'array',
                  items: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['field', 'message'],
                    properties: {
                      field: { type: 'string', description: 'A JSON pointer into the body (/person/dateOfBirth), or a query parameter or header name' },
                      message: { type: 'string' },
                    },
                  },
                },
                requestId: { type: 'string' },
              },
            },
          },
        },
      },
    },
  };
}

let built: Json | undefined;

/** The description, built once. */
export function openApiDocument(): Json {
  built ??= buildDocument();
  return built;
}
