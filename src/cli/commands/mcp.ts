import type { Command } from 'commander';
import { DEFAULT_FORWARD_TIMEOUT_MS, runStdioBridge } from '../../mcp/stdio-bridge.js';
import { apiClient } from '../api-client.js';
import { CliError } from '../output.js';

export function mcpCommand(program: Command): void {
  program.command('mcp')
    .description('Serve the ClaudeTools MCP tools over stdio (for Claude Code and other agents), through the server and API key of claudetools login')
    .option('--timeout <seconds>', 'give up on a request the server has not answered in this long', String(DEFAULT_FORWARD_TIMEOUT_MS / 1000))
    .action(async (o: { timeout: string }) => {
      const seconds = Number(o.timeout);
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) throw new CliError('--timeout: give a number of seconds between 0 and 3600');
      const api = apiClient();
      if (!api.apiKey) throw new CliError('Not logged in: run claudetools login --server URL (or set CLAUDETOOLS_SERVER and CLAUDETOOLS_API_KEY)');
      await runStdioBridge({ server: api.server, apiKey: api.apiKey, timeoutMs: Math.round(seconds * 1000) });
      // Idle keep-alive sockets to the server must not keep an ended bridge alive.
      process.stdout.write('', () => process.exit(0));
    });
}
