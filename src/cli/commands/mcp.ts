import type { Command } from 'commander';
import { runStdioBridge } from '../../mcp/stdio-bridge.js';
import { apiClient } from '../api-client.js';
import { CliError } from '../output.js';

export function mcpCommand(program: Command): void {
  program.command('mcp')
    .description('Serve the ClaudeTools MCP tools over stdio (for Claude Code and other agents), through the server and API key of claudetools login')
    .action(async () => {
      const api = apiClient();
      if (!api.apiKey) throw new CliError('Not logged in: run claudetools login --server URL (or set CLAUDETOOLS_SERVER and CLAUDETOOLS_API_KEY)');
      await runStdioBridge({ server: api.server, apiKey: api.apiKey });
      // Idle keep-alive sockets to the server must not keep an ended bridge alive.
      process.stdout.write('', () => process.exit(0));
    });
}
