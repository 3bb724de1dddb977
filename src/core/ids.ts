import { randomBytes } from 'node:crypto';
import { uuidv7 } from 'uuidv7';

/** Row ids are uuidv7 generated in the app, so no dialect needs RETURNING or auto-increment. */
export const newId = (): string => uuidv7();

/** URL-safe random string of `bytes` bytes of entropy (tokens, key ids, passwords). */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');
