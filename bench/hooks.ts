/**
 * The hook client as Claude Code runs it: `npm run bench:hooks -- [--memories 100000] [--runs 200] [--database-url URL] [--transcripts DIR]`,
 * or `npm run bench:hooks -- --stub [--runs 200]` for the hook's own cost alone (no server, no seeding: seconds).
 * - UserPromptSubmit: wall time of the whole `node hook.cjs user-prompt-submit` process against a server holding
 *   --memories memories, beside a bare `node -e ''` run interleaved with it (same machine, same moment), median and p95.
 * - PostToolUse: the time to turn the event into a spool entry and append it (what the async hook does before delivering).
 * - Compression: tokens stored for a Claude Code session / tokens of its transcript's content, and whether every
 *   file edited and every command run is found again by recall. On --transcripts (real ~/.claude/projects
 *   sessions) when given, else on a generated session shaped like one.
 * Writes bench/results/hooks-<dialect>.json.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildHookBundle } from '../src/cli/hook-bundle.js';
import { spool } from '../src/hook/spool.js';
import { writeState } from '../src/hook/state.js';
import { toolEvent } from '../src/hook/tool-events.js';
import { countTokens } from '../src/memory/tokens.js';
import { OBJECTS, pick, sentence, SUBJECTS } from './support/corpus.js';
import { client, percentile, ROOT, startServer } from './support/server.js';
import { syntheticTranscript } from './support/transcript.js';

const { values: args } = parseArgs({ options: {
  'database-url': { type: 'string' }, memories: { type: 'string', default: '100000' }, runs: { type: 'string', default: '200' }, transcripts: { type: 'string' },
  stub: { type: 'boolean', default: false },
} });
const home = mkdtempSync(join(tmpdir(), 'ct-bench-hooks-'));
const url = args['database-url'] ?? `sqlite:${join(home, 'hooks.db')}`;
const dialect = url.split(':')[0]!.replace('postgresql', 'postgres');
const PROJECTS = 50;
const BATCH = 500;

const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;
const stats = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return { median: +percentile(s, 50).toFixed(2), p95: +percentile(s, 95).toFixed(2) }; };

if (args.stub) {
  const hookFile = await buildHookBundle(join(home, 'hook', 'hook.cjs'));
  await hookOverhead(hookFile, { PATH: process.env.PATH, HOME: join(home, 'machine') }, `bench-${Date.now().toString(36)}`, Number(args.runs));
  process.exit(0);
}

const server = await startServer(url, home);
const rawCall = client(server);
/** Long spawn loops leave the keep-alive socket idle until the server closes it: one retry on a fresh one. */
const call: typeof rawCall = async (method, path, body) => {
  try {
    return await rawCall(method, path, body);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e; // fetch failed: the connection, not the answer
    return rawCall(method, path, body);
  }
};
const report: Record<string, unknown> = { dialect };
try {
  const run = Date.now().toString(36);
  const projects: string[] = [];
  for (let p = 0; p < PROJECTS; p++) projects.push((await call('POST', '/api/projects', { name: `Hook bench ${p}`, slug: `hooks-${run}-${p}` })).id);
  const target = Number(args.memories);
  const seeding = performance.now();
  for (let stored = 0, s = 0; stored < target; s++) {
    const turns = Array.from({ length: Math.min(BATCH, target - stored) }, (_, i) => ({ ref: `b${s}:${i}`, role: i % 2 ? 'assistant' : 'user', text: sentence() }));
    await call('POST', '/api/memory/ingest', { project_id: projects[s % PROJECTS], session: { external_id: `hook-bench-${run}-${s}` }, turns });
    stored += turns.length;
    process.stderr.write(`\rseeding ${stored.toLocaleString()} / ${target.toLocaleString()} memories`);
  }
  process.stderr.write(` (${((performance.now() - seeding) / 1000).toFixed(0)} s)\n`);

  // One simulated machine: its config, and a session whose start already detected its project.
  const hookFile = await buildHookBundle(join(home, 'hook', 'hook.cjs'));
  const machineHome = join(home, 'machine');
  const ctHome = join(machineHome, '.claudetools');
  mkdirSync(ctHome, { recursive: true });
  writeFileSync(join(ctHome, 'config.json'), JSON.stringify({ server_url: server.base, api_key: server.key }));
  const env = { PATH: process.env.PATH, HOME: machineHome };
  const session = `bench-${run}`;
  writeState({ CLAUDETOOLS_HOME: ctHome }, { session, started_at: new Date().toISOString(), offset: 0, project_id: projects[0], client_id: null });

  const runs = Number(args.runs);
  // The server's share of the hook's time: the same recall over HTTP from this (warm) process, measured first,
  // while this process's connection is fresh.
  const recallTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await call('POST', '/api/memory/recall', { query: `Why does ${pick(SUBJECTS).replace('the ', '')} keep failing with ${pick(OBJECTS).replace('the ', '')}?`, project_id: projects[0], token_budget: 1000, limit: 10, record_usage: false });
    recallTimes.push(ms(t));
  }
  const bare: number[] = [];
  const hook: number[] = [];
  let injected = 0;
  for (let i = 0; i < runs; i++) {
    let t = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', ''], { env });
    bare.push(ms(t));
    const prompt = `Why does ${pick(SUBJECTS).replace('the ', '')} keep failing with ${pick(OBJECTS).replace('the ', '')}?`;
    // A session per prompt, so every run recalls and injects (within a session, memories already injected are left out).
    writeState({ CLAUDETOOLS_HOME: ctHome }, { session: `${session}-${i}`, started_at: new Date().toISOString(), offset: 0, project_id: projects[0], client_id: null });
    const input = JSON.stringify({ session_id: `${session}-${i}`, transcript_path: '/dev/null', cwd: home, hook_event_name: 'UserPromptSubmit', permission_mode: 'default', prompt });
    t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [hookFile, 'user-prompt-submit'], { env, input, encoding: 'utf8' });
    hook.push(ms(t));
    if (r.stdout.includes('additionalContext')) injected++;
  }
  const rc = stats(recallTimes);
  const b = stats(bare);
  const h = stats(hook);
  report.user_prompt_submit = { memories: target, runs, bare_node_ms: b, hook_ms: h, median_over_bare_ms: +(h.median - b.median).toFixed(2), server_recall_ms: rc, injected_share: +(injected / runs).toFixed(3) };
  console.log(`UserPromptSubmit (${target.toLocaleString()} memories, ${runs} runs): hook median ${h.median} ms, p95 ${h.p95} ms; bare node median ${b.median} ms, p95 ${b.p95} ms; `
    + `median over bare ${(h.median - b.median).toFixed(2)} ms, of which the server's recall takes a median ${rc.median} ms (p95 ${rc.p95} ms); context injected on ${(100 * injected / runs).toFixed(0)}% of prompts`);

  report.hook_own_ms = await hookOverhead(hookFile, env, session, runs);

  const spoolEnv = { CLAUDETOOLS_HOME: join(home, 'spool-bench') };
  const spoolTimes: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const t = process.hrtime.bigint();
    const entry = toolEvent({ session_id: session, hook_event_name: 'PostToolUse', cwd: home, tool_name: 'Bash', tool_use_id: `toolu_${i}`,
      tool_input: { command: `npm test -- --grep "case ${i}"` }, tool_response: { stdout: 'ok\n'.repeat(400), stderr: '', interrupted: false } }, new Date().toISOString());
    spool(spoolEnv, [entry!]);
    spoolTimes.push(ms(t));
  }
  report.post_tool_use_spool_ms = stats(spoolTimes);
  console.log(`PostToolUse spool (event → redacted entry → appended): median ${stats(spoolTimes).median} ms, p95 ${stats(spoolTimes).p95} ms (the hook is async: Claude does not wait for it)`);

  report.compression = await compression(hookFile, env, ctHome, projects[1]!);
} finally {
  server.stop();
}
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, `bench/results/hooks-${dialect}.json`), JSON.stringify(report, null, 2));

/**
 * The hook's own cost, apart from the server's recall: the same runs against a stub server (its own process,
 * since spawnSync blocks this one) that answers a recall at once with a typical injection.
 */
async function hookOverhead(hookFile: string, env: NodeJS.ProcessEnv, session: string, runs: number) {
  const answer = JSON.stringify({ items: [{ id: 'stub-memory' }], text: `Relevant memories:\n${Array.from({ length: 10 }, sentence).map((t) => `- 2026-03-01: ${t}`).join('\n')}`, tokens: 300, candidates: 10 });
  const stub = spawn(process.execPath, ['-e', `require('http').createServer((q, s) => { q.resume(); q.on('end', () => { s.setHeader('content-type', 'application/json'); s.end(${JSON.stringify(answer)}); }); }).listen(0, '127.0.0.1', function () { console.log(this.address().port); })`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => stub.stdout!.once('data', (d) => resolve(Number(String(d).trim()))));
  const stubHome = join(home, 'stub-machine');
  mkdirSync(join(stubHome, '.claudetools'), { recursive: true });
  writeFileSync(join(stubHome, '.claudetools', 'config.json'), JSON.stringify({ server_url: `http://127.0.0.1:${port}`, api_key: 'ct_stub' }));
  const stubEnv = { ...env, HOME: stubHome };
  const bare: number[] = [];
  const hook: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      let t = process.hrtime.bigint();
      spawnSync(process.execPath, ['-e', ''], { env: stubEnv });
      bare.push(ms(t));
      t = process.hrtime.bigint();
      spawnSync(process.execPath, [hookFile, 'user-prompt-submit'], { env: stubEnv, encoding: 'utf8',
        input: JSON.stringify({ session_id: `${session}-stub-${i}`, transcript_path: '/dev/null', cwd: home, hook_event_name: 'UserPromptSubmit', prompt: `How is ${pick(SUBJECTS)} configured?` }) });
      hook.push(ms(t));
    }
  } finally {
    stub.kill();
  }
  const result = { bare_node_ms: stats(bare), hook_ms: stats(hook), median_over_bare_ms: +(stats(hook).median - stats(bare).median).toFixed(2) };
  console.log(`UserPromptSubmit against an instant stub server: hook median ${result.hook_ms.median} ms (p95 ${result.hook_ms.p95}); bare node median ${result.bare_node_ms.median} ms; `
    + `the hook's own cost is ${result.median_over_bare_ms} ms over bare node`);
  return result;
}

/** Runs the real Stop hook over each transcript, then compares stored tokens with the transcript's and recalls every file and command. */
async function compression(hookFile: string, env: NodeJS.ProcessEnv, ctHome: string, projectId: string) {
  const files = args.transcripts
    ? readdirSync(args.transcripts, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.jsonl') && !f.includes('subagents')).map((f) => join(args.transcripts!, f))
    : [syntheticTranscript(join(home, 'transcripts'))];
  let transcriptTokens = 0;
  let storedTokens = 0;
  const wanted: string[] = [];
  for (const file of files) {
    const session = basename(file, '.jsonl');
    writeState({ CLAUDETOOLS_HOME: ctHome }, { session, started_at: new Date().toISOString(), offset: 0, project_id: projectId, client_id: null });
    spawnSync(process.execPath, [hookFile, 'stop'], { env, encoding: 'utf8', input: JSON.stringify({ session_id: session, transcript_path: file, cwd: home, hook_event_name: 'Stop', stop_hook_active: false }) });
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      let rec: any;
      try { rec = JSON.parse(line); } catch { continue; }
      const content = rec?.message?.content;
      transcriptTokens += countTokens(typeof content === 'string' ? content : JSON.stringify(content ?? ''));
      for (const b of Array.isArray(content) ? content : []) {
        if (b.type === 'tool_use' && b.name === 'Bash') wanted.push(String(b.input.command));
        if (b.type === 'tool_use' && ['Edit', 'Write', 'MultiEdit'].includes(b.name)) wanted.push(String(b.input.file_path));
      }
    }
    const [row] = (await call('GET', `/api/sessions?external_session_id=${encodeURIComponent(session)}`)).items;
    if (!row) continue;
    for (const path of ['context-snippets', 'conversation-contexts', 'decision-logs']) {
      for (const item of (await call('GET', `/api/${path}?session_id=${row.id}&limit=500`)).items) storedTokens += item.tokens;
    }
  }
  let found = 0;
  for (const w of wanted) {
    const answer = await call('POST', '/api/memory/recall', { query: w, project_id: projectId, token_budget: 1000, record_usage: false });
    if (answer.text.includes(w)) found++;
  }
  const result = { transcripts: files.length, synthetic: !args.transcripts, transcript_tokens: transcriptTokens, stored_tokens: storedTokens,
    ratio: +(storedTokens / Math.max(1, transcriptTokens)).toFixed(3), files_and_commands: wanted.length, found_by_recall: found };
  console.log(`Compression (${result.synthetic ? 'generated session' : `${files.length} transcripts`}): ${storedTokens} tokens stored for ${transcriptTokens} in the transcript `
    + `(${(100 * result.ratio).toFixed(1)}%); ${found}/${wanted.length} files edited and commands run found by recall`);
  return result;
}
