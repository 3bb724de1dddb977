import { afterAll, beforeAll, describe } from 'vitest';
import { createTestApp, type TestApp } from './app.js';
import { DIALECTS, type TestDialect } from './databases.js';

/**
 * Runs a suite once per configured dialect against its own fresh app. The suite reads `t()` for the
 * app, which is ready inside tests (it is built in beforeAll).
 */
export function describeEachDialect(name: string, suite: (t: () => TestApp, dialect: TestDialect) => void, opts: Parameters<typeof createTestApp>[1] = {}) {
  describe.each(DIALECTS)(`${name} [$name]`, (dialect) => {
    let testApp: TestApp;
    beforeAll(async () => { testApp = await createTestApp(dialect, opts); });
    afterAll(async () => { await testApp?.close(); });
    suite(() => testApp, dialect);
  });
}
