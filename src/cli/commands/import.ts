import type { Command } from 'commander';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { ingestEntries } from '../../hook/capture.js';
import { ctHome, loadConfig } from '../../hook/env.js';
import { splitIngest } from '../../hook/flush.js';
import { requestJson } from '../../hook/http.js';
import type { SpoolEntry } from '../../hook/spool.js';
import { readTranscript } from '../../hook/transcript.js';
import { CliError } from '../output.js';

type Progress = Record<string, { offset: number }>;

const progressPath = () => join(ctHome(process.env), 'import-state.json');
const loadProgress = (): Progress => { try { return JSON.parse(readFileSync(progressPath(), 'utf8')); } catch { return {}; } };
function saveProgress(p: Progress) {
  mkdirSync(ctHome(process.env), { recursive: true, mode: 0o700 });
  writeFileSync(`${progressPath()}.tmp`, JSON.stringify(p));
  renameSync(`${progressPath()}.tmp`, progressPath());
}

/** Main-thread transcripts: `<projects>/<encoded cwd>/<session>.jsonl` (subagent folders are left out, like sidechains). */
function transcripts(root: string): string[] {
  return readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(root, d.name)).filter((f) => f.endsWith('.jsonl')).map((f) => join(root, d.name, f))).sort();
}

/**
 * Backfills existing Claude Code transcripts through the same reader and ingest the hooks use, so a turn
 * gets the same ref either way and is stored once. Resumable: each file's offset is saved after each
 * delivered batch; idempotent: a batch sent twice has the same key.
 */
export function importCommand(program: Command): void {
  program.command('import [dir]').description('Backfill memory from existing Claude Code transcripts (~/.claude/projects)')
    .action(async (dir?: string) => {
      const root = dir ?? join(process.env.CLAUDE_CONFIG_DIR ?? join(homedir(), '.claude'), 'projects');
      if (!existsSync(root)) throw new CliError(`No transcripts folder at ${root}`);
      const config = loadConfig(process.env);
      if (!config.key) throw new CliError('Not set up: run claudetools setup');
      const files = transcripts(root);
      const progress = loadProgress();
      const scopes = new Map<string, { project_id?: string; client_id?: string }>();
      let turnsSent = 0;
      let skipped = 0;
      /**
       * One ingest; refused as too big or invalid (400/413), it is split and the halves retried, so one odd
       * turn is skipped (and reported) instead of stopping the import at the same place on every run.
       */
      const deliver = async (entry: SpoolEntry, file: string): Promise<number> => {
        const res = await requestJson(config, 'POST', '/api/memory/ingest', { ...entry.body, idempotency_key: entry.key }, 60_000);
        if (res.status === 201) return (entry.body.turns as unknown[]).length;
        const why = `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
        if (res.status !== 400 && res.status !== 413) throw new CliError(`ingest of ${file} failed: ${why} (run again to resume)`);
        const halves = splitIngest(entry);
        if (halves) return (await deliver(halves[0], file)) + (await deliver(halves[1], file));
        skipped++;
        process.stderr.write(`\nskipped a turn of ${file} the server refuses: ${why}\n`);
        return 0;
      };
      for (const [i, file] of files.entries()) {
        const session = basename(file, '.jsonl');
        const size = statSync(file).size;
        let offset = progress[file]?.offset ?? 0;
        while (offset < size) {
          const read = readTranscript(file, offset, session);
          if (read.offset === offset) break; // only a partial last line is left
          let scope = {};
          if (read.cwd) {
            if (!scopes.has(read.cwd)) {
              const res = await requestJson(config, 'POST', '/api/hooks/scope', { cwd: read.cwd }, 10_000);
              const s = res.body as { project_id: string | null; client_id: string | null };
              scopes.set(read.cwd, res.status === 200 ? { ...(s.project_id ? { project_id: s.project_id } : {}), ...(s.client_id && !s.project_id ? { client_id: s.client_id } : {}) } : {});
            }
            scope = scopes.get(read.cwd)!;
          }
          const at = new Date().toISOString();
          for (const entry of ingestEntries({ config, at }, session, read.startedAt ?? at, read.title, read.turns, scope)) {
            turnsSent += await deliver(entry, file);
          }
          offset = read.offset;
          progress[file] = { offset };
          saveProgress(progress);
        }
        process.stderr.write(`\r[${'#'.repeat(Math.round(((i + 1) / files.length) * 30)).padEnd(30)}] ${i + 1}/${files.length} transcripts, ${turnsSent} turns`);
      }
      process.stderr.write('\n');
      process.stdout.write(`Imported ${turnsSent} turns from ${files.length} transcripts${skipped ? ` (${skipped} refused by the server, skipped)` : ''}\n`);
    });
}
