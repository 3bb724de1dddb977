#!/usr/bin/env node
// The plugin's hook entry. It runs the bundled hook client that `claudetools setup` installs
// (~/.claudetools/bin/hook.cjs), or one built in this checkout (npm run build:hook), with the same
// arguments; with neither it does nothing and exits 0, so a plugin enabled before setup never disturbs Claude.
// Plain CommonJS with no dependencies: the plugin copy has no node_modules.
'use strict';
const { existsSync } = require('node:fs');
const { homedir } = require('node:os');
const { join } = require('node:path');

const candidates = [
  process.env.CLAUDETOOLS_HOOK_FILE,
  join(process.env.CLAUDETOOLS_HOME || join(homedir(), '.claudetools'), 'bin', 'hook.cjs'),
  join(__dirname, '..', 'dist', 'hook.cjs'),
].filter(Boolean);
const hook = candidates.find((file) => existsSync(file));
if (hook) require(hook);
