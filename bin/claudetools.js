#!/usr/bin/env node
// The `claudetools` command. Runs the TypeScript sources through tsx, so `npx claudetools` works from a clone.
import { register } from 'tsx/esm/api';

register();
const [command, ...rest] = process.argv.slice(2);
if ((command === 'serve' || command === 'start') && rest.length === 0) {
  // The server runs in a process of its own (see serve.ts); this one only waits for it, so it loads no more
  // than that: ~35 MB of its own memory instead of ~140 with every command's modules.
  const { serve } = await import('../src/cli/serve.ts');
  process.exitCode = await serve();
} else {
  const { run } = await import('../src/cli/main.ts');
  await run(process.argv);
}
