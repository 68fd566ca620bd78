// Logger options: JSON lines with the request id on every line, and nothing that identifies a
// person. Query strings are dropped from logged URLs because searches carry names.
import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config.ts';

export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.nhsNumber',
  '*.email',
  '*.phone',
  '*.dateOfBirth',
];

export function loggerOptions(config: Config, stream?: { write(line: string): void }): FastifyServerOptions['logger'] {
  return {
    ...(stream ? { stream } : {}),
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({
        method: req.method,
        path: req.url.split('?')[0],
        id: req.id,
      }),
    },
  };
}
