import type { Command } from 'commander';
import { readClientConfig, writeClientConfig } from '../client-config.js';
import { apiClient } from '../api-client.js';
import { resolveHandle } from '../handles.js';
import { CliError } from '../output.js';
import type { HookConfig } from '../../hook/env.js';

const describeMode = (c: HookConfig) =>
  c.mode?.kind === 'msp' ? `msp (client ${c.mode.client_code ?? c.mode.client_id})`
    : c.mode?.kind === 'dev' ? `dev (project ${c.mode.project_slug ?? c.mode.project_id})` : 'normal';

/** Modes scope what the hooks save and recall; pause/resume switch capture and injection off and on. */
export function modeCommands(program: Command): void {
  program.command('mode [kind] [target]').description('Show or set the mode: msp <client>, dev <project>, normal')
    .action(async (kind?: string, target?: string) => {
      if (!kind) {
        const c = readClientConfig() as HookConfig;
        process.stdout.write(`mode: ${describeMode(c)}${c.paused ? ' (paused)' : ''}\n`);
        return;
      }
      if (kind === 'normal') writeClientConfig({ mode: undefined });
      else if (kind === 'msp' || kind === 'dev') {
        if (!target) throw new CliError(`Give the ${kind === 'msp' ? 'client (short code or id)' : 'project (slug or id)'}: claudetools mode ${kind} <${kind === 'msp' ? 'client' : 'project'}>`);
        const api = apiClient();
        const mode = kind === 'msp'
          ? { kind, client_id: (await resolveHandle(api, 'clients', 'short_code', target))!, client_code: target }
          : { kind, project_id: (await resolveHandle(api, 'projects', 'slug', target))!, project_slug: target };
        writeClientConfig({ mode });
      } else throw new CliError('Modes are msp <client>, dev <project> and normal');
      process.stdout.write(`mode: ${describeMode(readClientConfig() as HookConfig)}\n`);
    });
  program.command('pause').description('Stop capturing and injecting memory until resume')
    .action(() => { writeClientConfig({ paused: true }); process.stdout.write('paused: hooks capture and inject nothing\n'); });
  program.command('resume').description('Capture and inject memory again')
    .action(() => { writeClientConfig({ paused: undefined }); process.stdout.write('resumed\n'); });
}
