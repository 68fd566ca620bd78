// Which tenant a public page belongs to. Staff always work in their own tenant (from their
// session); visitors who are not signed in see the tenant of the host name they came to, or the
// deployment's default public tenant.
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';

export function publicTenantOf(request: FastifyRequest, config: Pick<Config, 'publicTenant' | 'tenantHosts'>): string {
  if (request.actor) return request.actor.tenantId;
  const host = (request.hostname ?? '').split(':')[0]!.toLowerCase();
  return config.tenantHosts[host] ?? config.publicTenant;
}
