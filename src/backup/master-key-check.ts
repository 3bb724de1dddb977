/**
 * Extension point for the credential vault (branch `vault`). Restored ciphertext is copied verbatim,
 * so it only decrypts with the master key it was written under. The vault registers a function
 * returning a non-secret check value of the current master key (e.g. HMAC(KEK, "key check"));
 * a backup records it in its manifest, and a restore refuses, before changing anything, when the
 * restoring process's check value differs. Nothing registered: no check (no vault yet).
 */
type MasterKeyCheck = () => string | null;

let provider: MasterKeyCheck | null = null;

export function registerMasterKeyCheck(fn: MasterKeyCheck | null): void {
  provider = fn;
}

export const currentMasterKeyCheck = (): string | null => provider?.() ?? null;

/** Throws when the archive's vault was written under another master key than the one this process holds. */
export function assertMasterKeyMatches(recorded: string | null | undefined): void {
  const current = currentMasterKeyCheck();
  if (recorded && current && recorded !== current) {
    throw new Error('wrong master key: this backup\'s credentials were encrypted with another CLAUDETOOLS_MASTER_KEY; restore refused, nothing changed');
  }
}

/**
 * Second extension point: checks run inside the load's transaction, after every row is in and before
 * the commit (restore and migrate-db alike). The vault registers "decrypt a sample of credentials with
 * this process's master key"; a check that throws rolls the whole load back.
 */
type LoadCheck = (trx: import('kysely').Transaction<any>) => Promise<void>;

const loadChecks: LoadCheck[] = [];

export function registerLoadCheck(check: LoadCheck): () => void {
  loadChecks.push(check);
  return () => { loadChecks.splice(loadChecks.indexOf(check), 1); };
}

export async function runLoadChecks(trx: import('kysely').Transaction<any>): Promise<void> {
  for (const check of loadChecks) await check(trx);
}
