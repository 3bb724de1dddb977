import { join, resolve } from 'node:path';
import { builtAfter, replaceFile, typeScriptUnder } from './bundle-files.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const SERVER_BUNDLE = join(REPO_ROOT, 'dist/server.mjs');

/**
 * The V8 flags of the server process, however it is started: `npm start` (package.json's start script,
 * which test/e2e/server.test.ts holds to this list), `claudetools serve`, the benches and the e2e tests
 * all run `node ...SERVER_NODE_FLAGS dist/server.mjs`. Command-line flags because V8 sizes the young
 * generation once, when it creates the heap: v8.setFlagsFromString at startup leaves it as it was, and
 * NODE_OPTIONS refuses --heap-growing-percent.
 *
 * - `--max-semi-space-size=4` (MB; V8's default lets it grow to 16): the young generation grows to its
 *   cap within the first second of work and stays resident, empty or not: 32 MB of RSS by default, 8 here.
 * - `--heap-growing-percent=30`: the old generation's next GC limit is 1.3x what survived the last one
 *   instead of V8's ~2-3x for a heap our size, so ingest no longer lets garbage pile up to twice the live data.
 *
 * Measured on bench:recall (SQLite, 2 cores), server peak RSS at 10k / 100k memories: 209 / 276-311 MB without
 * them, 166-168 / 199-211 MB with them; ingest (~2,100 turns/s) and recall p50 (~1.6-2 ms) and p99 unchanged
 * within the noise. The empty server: ~146 MB -> ~120 MB.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--heap-growing-percent=30'];

/**
 * Bundles the server (src/main.ts and everything of ours it imports) into one ESM file beside
 * node_modules, which stay external. `npm start` runs it with plain node: no TypeScript loader thread
 * and compiler in the server process (about 40 MB less resident memory, and a faster start).
 */
export async function buildServerBundle(outfile = SERVER_BUNDLE): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(REPO_ROOT, 'src/main.ts')], outfile, write: false, bundle: true, platform: 'node', format: 'esm',
    target: 'node20', packages: 'external', legalComments: 'none', logLevel: 'warning',
  });
  replaceFile(outfile, result.outputFiles[0]!.contents);
  return outfile;
}

/** The arguments to `node` that run the server: its flags and the bundle (`claudetools serve`, the benches and the e2e tests). */
export async function serverNodeArgs(): Promise<string[]> {
  return [...SERVER_NODE_FLAGS, await ensureServerBundle()];
}

/** Whether the bundle exists and no source is newer than it. */
export const serverBundleIsFresh = (): boolean =>
  builtAfter(SERVER_BUNDLE, [...typeScriptUnder(join(REPO_ROOT, 'src')), join(REPO_ROOT, 'package-lock.json')]);

/** The bundle, rebuilt when any source is newer than it (`npm start`, the benches and the e2e tests call this). */
export async function ensureServerBundle(): Promise<string> {
  return serverBundleIsFresh() ? SERVER_BUNDLE : buildServerBundle();
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  await ensureServerBundle();
}
