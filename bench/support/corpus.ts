/** The synthetic work-conversation corpus the recall and hook benchmarks seed the server with (deterministic). */

/** A small deterministic PRNG, so every run and every database sees the same corpus. */
let seed = 42;
export const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
export const pick = <T>(list: readonly T[]) => list[Math.floor(random() ** 1.6 * list.length)]!; // skewed: some words are common

export const SUBJECTS = ['the login service', 'the backup job', 'the VPN tunnel', 'the Exchange mailbox', 'the billing export', 'the firewall rule', 'the DNS zone',
  'the React dashboard', 'the Postgres replica', 'the printer queue', 'the Intune policy', 'the CI pipeline', 'the Redis cache', 'the SharePoint site',
  'the nginx proxy', 'the Docker image', 'the SSL certificate', 'the Active Directory sync', 'the API gateway', 'the cron schedule'];
export const VERBS = ['fails after', 'was migrated to', 'times out behind', 'now depends on', 'was rolled back because of', 'needs a restart after', 'was patched for',
  'logs errors about', 'was moved onto', 'conflicts with'];
export const OBJECTS = ['the new subnet', 'a stale token', 'the weekly update', 'TLS 1.3', 'the Azure tenant', 'the old hostname', 'a missing index', 'the disk quota',
  'the MFA rollout', 'port 8443', 'the staging database', 'a memory leak', 'the license renewal', 'the Windows update', 'the Debian upgrade'];
export const DETAILS = ['Fixed by raising the timeout to 30s.', 'Ticket 4411 tracks it.', 'Run `systemctl restart app` to recover.', 'See src/server/config.ts line 40.',
  'The client asked for a report by Friday.', 'We chose WireGuard instead of OpenVPN.', 'Rollback plan is in the runbook.', 'Happens only on Mondays.'];

export function sentence(): string {
  return `${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)}. ${pick(DETAILS)}`.replace(/^./, (c) => c.toUpperCase());
}
