import { createRequire } from 'node:module';

/**
 * Node built-ins loaded on first use (tls for an https server, child_process for a background flush) with
 * require, not `await import()`: a dynamic import starts Node's ESM loader, several milliseconds even inside
 * the CommonJS bundle. The bundle replaces this module with CommonJS's own require (cli/hook-bundle.ts).
 */
export const requireBuiltin = createRequire(import.meta.url) as <T = unknown>(id: string) => T;
