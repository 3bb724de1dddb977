import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pick, random, sentence } from './corpus.js';

const FILES = ['src/server/config.ts', 'src/routes/billing.ts', 'deploy/nginx.conf', 'scripts/backup.sh', 'src/db/migrations/0042_index.ts', 'README.md', 'src/auth/session.ts', 'infra/main.tf'];
const COMMANDS = ['npm test', 'npm run build', 'git status', 'terraform plan -out plan.bin', 'docker compose up -d db', 'psql -c "select count(*) from invoices"', 'systemctl status nginx', 'npx tsc --noEmit'];

/** A generated Claude Code session shaped like a real one: prompts, answers, thinking, tool calls with long outputs. */
export function syntheticTranscript(dir: string, exchanges = 40): string {
  mkdirSync(dir, { recursive: true });
  const session = `synthetic-${Date.now().toString(36)}`;
  const out: object[] = [];
  let n = 0;
  const at = () => new Date(Date.parse('2026-03-02T09:00:00Z') + n * 15_000).toISOString();
  const base = (type: string) => ({ type, uuid: `u${++n}`, parentUuid: `u${n - 1}`, sessionId: session, timestamp: at(), cwd: '/home/dev/app', gitBranch: 'main', isSidechain: false });
  for (let i = 0; i < exchanges; i++) {
    out.push({ ...base('user'), message: { role: 'user', content: `${sentence()} Can you look into it?` } });
    const file = `${pick(FILES)}`.replace('.', `${i}.`);
    const command = `${pick(COMMANDS)} # step ${i}`;
    out.push({ ...base('assistant'), message: { id: `msg_${i}`, role: 'assistant', content: [
      { type: 'thinking', thinking: Array.from({ length: 8 }, sentence).join(' ') },
      { type: 'text', text: sentence() },
      random() < 0.5 ? { type: 'tool_use', id: `t${i}`, name: 'Bash', input: { command } } : { type: 'tool_use', id: `t${i}`, name: 'Edit', input: { file_path: `/home/dev/app/${file}`, old_string: sentence(), new_string: Array.from({ length: 12 }, sentence).join('\n') } },
    ] } });
    out.push({ ...base('user'), message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: `t${i}`, content: Array.from({ length: 60 }, (_, k) => `[${k}] ${sentence()}`).join('\n') }] } });
    out.push({ ...base('assistant'), message: { id: `msg_${i}b`, role: 'assistant', content: [{ type: 'text', text: `${sentence()} ${sentence()}` }] } });
  }
  const path = join(dir, `${session}.jsonl`);
  writeFileSync(path, out.map((o) => JSON.stringify(o)).join('\n') + '\n');
  return path;
}
