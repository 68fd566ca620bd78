// The one error handler. People see an NHS-styled page (or, for the API, a JSON body) with a
// plain-English message; faults are logged in full with the request id and shown without detail.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, notFound } from './errors.ts';

const TITLES: Record<number, string> = {
  400: 'There is a problem with what was sent',
  401: 'You need to sign in',
  403: 'You do not have access to this page',
  404: 'Page not found',
  409: 'Someone else changed this',
  413: 'What you sent is too large',
  415: 'What you sent is in a form we cannot read',
  429: 'Too many attempts',
  500: 'Sorry, there is a problem with the service',
  503: 'Sorry, the service is unavailable',
};

/** Turns anything thrown into an AppError a person can read. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode ?? 500;
  const code = fastifyError.code ?? '';
  if (code.startsWith('FST_CSRF')) {
    return new AppError({
      status: 403,
      code: 'csrf',
      message: 'This page has expired, so we could not save what you sent. Go back, refresh the page and try again.',
    });
  }
  if (status === 413) {
    return new AppError({ status: 413, code: 'too_large', message: 'What you sent is too large. Send less and try again.' });
  }
  if (status === 415) {
    return new AppError({
      status: 415,
      code: 'unsupported_media_type',
      message: 'Send the form from the Lantern page, or send JSON with the Content-Type application/json.',
    });
  }
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    // Only programs send JSON (the partner API); tell them what to fix.
    return new AppError({
      status: 400,
      code: 'invalid_json',
      message: code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
        ? 'The body is empty. Send a JSON object, or leave out the Content-Type header when there is no body.'
        : 'The body is not valid JSON (or it has a property named __proto__ or constructor). Check it with a JSON validator and send it again.',
    });
  }
  if (status >= 400 && status < 500) {
    return new AppError({
      status: 400,
      code: 'bad_request',
      message: 'We could not understand what was sent. Go back, check what you entered and try again.',
    });
  }
  return new AppError({
    status: 500,
    code: 'internal',
    message: 'We could not do that just now. What you sent has not been saved. Try again in a few minutes.',
  });
}

export function wantsJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/') || request.url.startsWith('/oruk') ||
    (request.headers.accept?.includes('application/json') === true && !request.headers.accept.includes('text/html'));
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  reply.code(error.status).headers(error.headers);
  if (wantsJson(request)) {
    return reply.send({
      error: {
        code: error.code,
        message: error.message,
        ...(error.fields.length ? { fields: error.fields } : {}),
        requestId: request.id,
      },
    });
  }
  return reply.render('error.njk', { title: TITLES[error.status] ?? TITLES[400], message: error.message, status: error.status });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: appError.code, status: appError.status }, 'request refused');
    return sendError(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) => sendError(request, reply, notFound()));
}
