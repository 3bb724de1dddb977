import { hash, verify } from '@node-rs/argon2';
import { AppError } from '../../core/errors.js';

/** argon2id with the parameters security.md fixes (OWASP's minimum): m=19456 KiB, t=2, p=1. */
const ARGON2 = { algorithm: 2 /* Argon2id; the enum is a const enum */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

const COMMON = new Set([
  'password', 'password1', 'password12', 'password123', 'password1234', '123456789012', '1234567890123',
  'qwertyuiop', 'qwertyuiop12', 'qwerty123456', 'iloveyou1234', 'letmein12345', 'welcome12345', 'administrator',
  'changeme1234', 'passw0rd1234', 'p@ssw0rd1234', 'abcdefghijkl', '111111111111', '000000000000', 'aaaaaaaaaaaa',
  'trustno11234', 'football1234', 'baseball1234', 'superman1234', 'correcthorsebatterystaple', 'claudetools12',
]);

/** At least 12 and at most 256 characters, no composition rules, and not on the common list. */
export function checkPasswordPolicy(password: string, field = 'password'): void {
  const fail = (message: string) => { throw AppError.validation([{ path: field, message, code: 'weak_password' }], message); };
  if (password.length < 12) fail('The password must be at least 12 characters');
  if (password.length > 256) fail('The password must be at most 256 characters');
  if (COMMON.has(password.toLowerCase())) fail('This password is too common; choose another');
}

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A real hash of nothing, verified against for unknown emails so their timing matches known ones. */
let dummyHash: Promise<string> | undefined;
export const dummyPasswordHash = () => (dummyHash ??= hashPassword('no such user, no such password'));
