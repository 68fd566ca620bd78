// Password hashing with argon2id at the OWASP-recommended minimum (m=19 MiB, t=2, p=1), and the
// rules a new password must meet (NCSC: length over complexity, refuse the commonest).
import argon2 from 'argon2';
import type { FieldError } from './errors.ts';

const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

// Compared against when the email is unknown, so a wrong email takes as long as a wrong password.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (hash === null) {
    dummyHash ??= hashPassword('lantern-not-a-real-account');
    await argon2.verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

const COMMON = new Set([
  'password1234', 'password12345', 'passwordpassword', '123456789012', 'qwertyuiopas',
  'letmeinletmein', 'iloveyou1234', 'welcome12345', 'changemenow1', 'administrator',
]);

/** Problems with a proposed new password, as form errors on `field`. */
export function newPasswordProblems(password: string, email: string, field = 'new-password'): FieldError[] {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return [{ field, message: `Enter a password that is at least ${MIN_PASSWORD_LENGTH} characters long` }];
  }
  if (password.length > 200) return [{ field, message: 'Enter a password that is 200 characters or fewer' }];
  const lower = password.toLowerCase();
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  if (COMMON.has(lower) || new Set(lower).size < 4 || (local.length >= 4 && lower.includes(local))) {
    return [{ field, message: 'Choose a password that is harder to guess, for example three random words' }];
  }
  return [];
}
