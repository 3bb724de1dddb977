import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BuildOptions, Metafile, Plugin } from 'esbuild';
import { builtAfter, replaceFile, typeScriptUnder } from './bundle-files.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const HOOK_BUNDLE = join(REPO_ROOT, 'dist/hook.cjs');

/**
 * The units of src/hook/units.ts: code the prompt hook rarely runs, each built on its own and kept in the
 * bundle as a string, compiled on first use.
 */
const UNITS = { redact: 'src/memory/redact.ts', events: 'src/hook/handlers/events.ts' } as const;

/**
 * Bundles the hook client (src/hook/main.ts and the pure modules it imports) into one dependency-free
 * file, so Claude Code starts it with plain `node` in milliseconds: no tsx, no node_modules. CommonJS, not ESM:
 * Node's ESM loader compiles and runs ~20 ms of its own code at start (measured on Node 20), the CJS loader
 * is already in Node's startup snapshot. Only what UserPromptSubmit runs is code at start; the units of
 * src/hook/units.ts ride along as strings (see there). `minify: false` gives readable names to profile.
 */
export async function buildHookBundle(outfile = HOOK_BUNDLE, { minify = true } = {}): Promise<string> {
  const { build } = await import('esbuild');
  const options: BuildOptions = {
    outfile, write: false, metafile: true, bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify,
    legalComments: 'none', logLevel: 'warning',
  };
  const sources: Record<string, string> = {};
  for (const [name, entry] of Object.entries(UNITS)) {
    const plugins = name === 'redact' ? [commonJsRequire] : [commonJsRequire, sharedRedactor];
    const unit = await build({ ...options, entryPoints: [join(REPO_ROOT, entry)], plugins });
    refuseDynamicImports(unit.metafile!);
    sources[name] = unit.outputFiles![0]!.text;
  }
  const result = await build({ ...options, entryPoints: [join(REPO_ROOT, 'src/hook/main.ts')], plugins: [commonJsRequire, unitsAsStrings(sources)] });
  refuseDynamicImports(result.metafile!);
  replaceFile(outfile, result.outputFiles![0]!.contents);
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
 * In the other units, memory/redact.ts is the redact unit, loaded through the `units` each unit is given
 * (one copy of the redactor in the bundle, not one per unit). esbuild fails the build should a unit import
 * a name this does not export.
 */
const sharedRedactor: Plugin = {
  name: 'shared-redactor',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]memory[\\/]redact\.ts$/ }, () => ({
      loader: 'js',
      contents: ['redactSecrets', 'redactDeep', 'containsSecret'].map((name) => `export const ${name} = (...args) => units.redactor().${name}(...args);`).join('\n'),
    }));
  },
};

/**
 * hook/units.ts in the bundle: each unit's CommonJS text, compiled on first use into a module of its own
 * that shares the bundle's `require`. With `new Function` (V8 compiles it as it compiles a script; the
 * sourceURL names it in stack traces), or, when node runs with --disallow-code-generation-from-strings,
 * with vm.compileFunction as the CommonJS loader itself does (a little slower to load).
 */
function unitsAsStrings(sources: Record<string, string>): Plugin {
  const contents = `
const SOURCES = ${JSON.stringify(sources)};
const loaded = {};
function compile(name) {
  const params = ['exports', 'require', 'module', 'units'];
  const code = SOURCES[name] + '\\n//# sourceURL=' + __filename + '#' + name;
  try {
    return new Function(...params, code);
  } catch (e) {
    if (!(e instanceof EvalError)) throw e;
    return require('vm').compileFunction(code, params, { filename: __filename + '#' + name });
  }
}
function load(name) {
  if (!loaded[name]) {
    const module = { exports: {} };
    compile(name)(module.exports, require, module, { redactor });
    loaded[name] = module.exports;
  }
  return loaded[name];
}
export function redactor() { return load('redact'); }
export function eventHandlers() { return load('events'); }
`;
  return {
    name: 'units-as-strings',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]hook[\\/]units\.ts$/ }, () => ({ contents, loader: 'js' }));
    },
  };
}

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
