import type { Command } from 'commander';
import { apiClient, qs } from '../api-client.js';
import { printJson, printTable } from '../output.js';

interface Proposal { id: string; start_time: string; duration_minutes: number; client_id: string; description: string | null; status: string }

/** `claudetools time pending`: the time MSP-mode sessions proposed, to confirm (bill) or drop. */
export function timePendingCommand(program: Command): void {
  const time = program.commands.find((c) => c.name() === 'time') ?? program.command('time');
  time.command('pending').description('Billable time proposed by MSP-mode Claude Code sessions')
    .option('--confirm <id...>', 'confirm these proposals (they become time entries)').option('--drop <id...>', 'drop these proposals')
    .option('--confirm-all').option('--json')
    .action(async (opts) => {
      const api = apiClient();
      const list = async () => (await api.get<{ items: Proposal[] }>(`/api/time-proposals${qs({ status: 'pending' })}`)).items;
      const confirm: string[] = opts.confirmAll ? (await list()).map((p) => p.id) : opts.confirm ?? [];
      for (const id of confirm) await api.post(`/api/time-proposals/${id}/confirm`);
      for (const id of opts.drop ?? []) await api.post(`/api/time-proposals/${id}/drop`);
      if (confirm.length || opts.drop?.length) process.stderr.write(`confirmed ${confirm.length}, dropped ${opts.drop?.length ?? 0}\n`);
      const items = await list();
      if (opts.json) return printJson(items);
      printTable(items.map((p) => ({ ...p, start: p.start_time.slice(0, 16).replace('T', ' '), minutes: p.duration_minutes })), ['id', 'start', 'minutes', 'description']);
    });
}
