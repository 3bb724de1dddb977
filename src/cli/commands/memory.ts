import type { Command } from 'commander';
import { clip } from '../../memory/clip.js';
import { apiClient } from '../api-client.js';
import { resolveHandle } from '../handles.js';
import { CliError, printJson, printTable } from '../output.js';

type Row = Record<string, any>;

interface RecallAnswer {
  items: { id: string; kind: string; title: string | null; text: string; score: number; tokens: number; explain?: Record<string, number> }[];
  text: string;
  tokens: number;
  candidates: number;
}


function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new CliError(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

const tagList = (value: string | undefined) => (value === undefined ? undefined : value.split(',').map((t) => t.trim()).filter(Boolean));

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const dim = (line: string) => (process.stderr.isTTY && !process.env.NO_COLOR ? `\x1b[2m${line}\x1b[22m` : line);
const BREAKDOWN = ['text', 'bm25', 'tags', 'scope', 'recency', 'usage', 'relevance', 'pinned'];

export function memoryCommands(program: Command): void {
  program.command('recall <query>').description('The memories most relevant to a query, as Claude would receive them (over the HTTP API)')
    .option('--project <project>', 'project slug or id').option('--client <client>', 'client short code or id')
    .option('--budget <tokens>', 'token budget for the answer (server default 1000)').option('--limit <n>', 'at most this many memories')
    .option('--tags <a,b>', 'only memories carrying at least one of these tags')
    .option('--explain', 'a table of the items and how each was scored').option('--json')
    .action(async (query: string, o) => {
      const tokenBudget = positiveInt('--budget', o.budget);
      const limit = positiveInt('--limit', o.limit);
      const api = apiClient();
      const answer = await api.post<RecallAnswer>('/api/memory/recall', {
        query, project_id: await resolveHandle(api, 'projects', 'slug', o.project), client_id: await resolveHandle(api, 'clients', 'short_code', o.client),
        token_budget: tokenBudget, limit, tags: tagList(o.tags), explain: Boolean(o.explain),
      });
      if (o.json) return printJson(answer);
      if (o.explain) {
        printTable(answer.items.map((i) => ({
          score: i.score.toFixed(3), kind: i.kind, tokens: i.tokens,
          ...Object.fromEntries(BREAKDOWN.map((k) => [k, i.explain?.[k] === undefined ? '' : Number(i.explain[k].toFixed(3))])),
          memory: clip(i.text, 60),
        })), ['score', 'kind', 'tokens', ...BREAKDOWN, 'memory']);
      } else {
        process.stdout.write(answer.text ? `${answer.text}\n` : '(no memories)\n');
      }
      // The count goes to stderr so `claudetools recall … | …` pipes exactly what Claude would receive.
      const n = answer.items.length;
      process.stderr.write(dim(`${n} ${n === 1 ? 'memory' : 'memories'}, ${answer.tokens} tokens`) + '\n');
    });

  program.command('remember <text>').description('Store a fact as a context snippet; "-" reads the text from stdin (over the HTTP API)')
    .option('--project <project>', 'project slug or id').option('--client <client>', 'client short code or id')
    .option('--tags <a,b>').option('--category <category>', 'fact, decision, lesson, command, config, ... (server default fact)')
    .option('--title <title>').option('--pin', 'rank it first').option('--json')
    .action(async (arg: string, o) => {
      const text = arg === '-' ? await readStdin() : arg;
      if (!text.trim()) throw new CliError(arg === '-' ? 'Nothing to remember: stdin was empty' : 'Nothing to remember: the text is empty');
      const api = apiClient();
      const row = await api.post<Row>('/api/context-snippets', {
        dense_content: text, project_id: await resolveHandle(api, 'projects', 'slug', o.project), client_id: await resolveHandle(api, 'clients', 'short_code', o.client),
        tags: tagList(o.tags), category: o.category, title: o.title, pinned: o.pin ? true : undefined,
      });
      if (o.json) return printJson(row);
      process.stdout.write(`${row.id}\n`);
      if (row.dense_content !== text) process.stderr.write('claudetools: note: secrets or <private> blocks were removed before storage\n');
    });
}
