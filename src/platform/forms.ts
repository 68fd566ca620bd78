// Reading submitted forms: every value is a trimmed string (a repeated field takes its first
// value), so handlers never meet undefined, arrays or objects from a crafted request.
import type { FastifyRequest } from 'fastify';

export type FormBody = Record<string, string>;

export function formBody(request: FastifyRequest): FormBody {
  const body = request.body;
  const out: FormBody = {};
  if (!body || typeof body !== 'object') return out;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') out[key] = key.toLowerCase().includes('password') ? first : first.trim();
  }
  return out;
}

export function queryParams(request: FastifyRequest): FormBody {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const out: FormBody = {};
  for (const [key, value] of Object.entries(query)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') out[key] = first.trim();
  }
  return out;
}
