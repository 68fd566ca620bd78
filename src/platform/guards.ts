// Route guards for signed-in pages. They give a clear page early; the access decision that
// counts is still made again in each store for each record.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';
import type { StaffContext } from './context.ts';
import { wantsJson } from './error-handler.ts';

/** A same-site path to return to after sign-in; anything else (an open redirect) becomes "/". */
export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(value) ? value : '/';
}

export async function requireStaff(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!request.actor) {
    if (wantsJson(request)) throw new AppError({ status: 401, code: 'unauthenticated', message: 'Sign in to use this.' });
    return reply.redirect(`/sign-in?returnTo=${encodeURIComponent(safeReturnPath(request.url))}`, 303);
  }
  if (request.actor.mustChangePassword && !request.url.startsWith('/account/password')) {
    return reply.redirect('/account/password', 303);
  }
}

export function staffContext(request: FastifyRequest): StaffContext {
  if (!request.actor) throw new AppError({ status: 401, code: 'unauthenticated', message: 'Sign in to use this.' });
  return request.ctx as StaffContext;
}
