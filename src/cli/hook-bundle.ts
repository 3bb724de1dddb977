import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Metafile, Plugin } from 'esbuild';
import { builtAfter, replaceFile, typeScriptUnder } from './bundle-files.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const HOOK_BUNDLE = join(REPO_ROOT, 'dist/hook.cjs');

/**
 * Bundles the hook client (src/hook/main.ts and the pure modules it imports) into one dependency-free
 * file, so Claude Code starts it with plain `node` in milliseconds: no tsx, no node_modules. CommonJS, not ESM:
 * Node's ESM loader compiles and runs ~20 ms of its own code at start (measured on Node 20), the CJS loader
 * is already in Node's startup snapshot.
 */
export async function buildHookBundle(outfile = HOOK_BUNDLE): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(REPO_ROOT, 'src/hook/main.ts')], outfile, write: false, metafile: true, bundle: true,
    platform: 'node', format: 'cjs', target: 'node20', minify: true, legalComments: 'none', logLevel: 'warning',
    plugins: [commonJsRequire],
  });
  refuseDynamicImports(result.metafile);
  replaceFile(outfile, result.outputFiles[0]!.contents);
  return outfile;
}

/**
 * In the CommonJS bundle hook/builtins.ts is the module's own `require`: its createRequire would load
 * node:module, and with it parts of the ESM loader, at every hook start (~0.4 ms measured).
 */
const commonJsRequire: Plugin = {
  name: 'commonjs-require',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]hook[\\/]builtins\.ts$/ }, () => ({ contents: 'export const requireBuiltin = require;', loader: 'js' }));
  },
};

/**
 * An `import()` left in the bundle would start Node's ESM loader (several milliseconds): hook code loads
 * built-ins on demand with hook/builtins.ts instead.
 */
function refuseDynamicImports(metafile: Metafile) {
  for (const [file, input] of Object.entries(metafile.inputs)) {
    const dynamic = input.imports.find((i) => i.kind === 'dynamic-import');
    if (dynamic) throw new Error(`${file} imports ${dynamic.path} with import(): use requireBuiltin from src/hook/builtins.ts`);
  }
}

/** The bundle, rebuilt when any hook source is newer than it (setup and tests call this). */
export async function ensureHookBundle(): Promise<string> {
  const sources = [...typeScriptUnder(join(REPO_ROOT, 'src/hook')), join(REPO_ROOT, 'src/memory/redact.ts'),
    join(REPO_ROOT, 'src/cli/client-config.ts'), join(REPO_ROOT, 'src/cli/hook-bundle.ts')];
  if (builtAfter(HOOK_BUNDLE, sources)) return HOOK_BUNDLE;
  try {
    return await buildHookBundle();
  } catch (e) {
    // Without dev dependencies (npm ci --omit=dev) esbuild is absent: an existing bundle still serves.
    if (existsSync(HOOK_BUNDLE)) return HOOK_BUNDLE;
    throw new Error(`Cannot build the hook client (${(e as Error).message}); run npm run build:hook where dev dependencies are installed`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  console.log(await buildHookBundle());
}
