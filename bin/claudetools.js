#!/usr/bin/env node
// The `claudetools` command. Runs the TypeScript sources through tsx, so `npx claudetools` works from a clone.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src/cli/main.ts');
await run(process.argv);
