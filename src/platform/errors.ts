// The one error type. Anything a person can cause (bad input, no access, nothing there) is an
// AppError with a plain-English message that says what to do; anything else is a fault, logged
// in full and shown as a calm 500 page with the request id, never a stack trace.

export interface FieldError {
  /** the form field's id, so the error summary can link to it */
  field: string;
  message: string;
}

export interface AppErrorInit {
  status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503;
  code: string;
  message: string;
  fields?: FieldError[];
  /** extra headers to send, e.g. Retry-After */
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly status: AppErrorInit['status'];
  readonly code: string;
  readonly fields: FieldError[];
  readonly headers: Record<string, string>;

  constructor(init: AppErrorInit) {
    super(init.message);
    this.name = 'AppError';
    this.status = init.status;
    this.code = init.code;
    this.fields = init.fields ?? [];
    this.headers = init.headers ?? {};
  }
}

export const notFound = (what = 'page'): AppError =>
  new AppError({
    status: 404,
    code: 'not_found',
    message: `We cannot find that ${what}. It may have moved, or you may not have access to it.`,
  });

export const forbidden = (message = 'Your role does not give you access to this page.'): AppError =>
  new AppError({ status: 403, code: 'forbidden', message });

export const invalid = (fields: FieldError[], message = 'There is a problem'): AppError =>
  new AppError({ status: 400, code: 'invalid', message, fields });

export const conflict = (message: string): AppError => new AppError({ status: 409, code: 'conflict', message });
