import { expect, it } from 'vitest';
import { describeEachDialect } from './support/dialects.js';
import { latestSchemaVersion } from '../src/db/migrator.js';
import { APP_VERSION } from '../src/version.js';

const PUBLIC = new Set(['GET /api/health', 'POST /api/auth/login', 'POST /api/auth/refresh']);

describeEachDialect('health, OpenAPI and docs', (t, dialect) => {
  it('reports health without authentication', async () => {
    const res = await t().app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      database: { dialect: dialect.name === 'mariadb' ? 'mysql' : dialect.name, reachable: true },
      schema_version: latestSchemaVersion(),
      version: APP_VERSION,
    });
  });

  it('documents every operation with summary, tag, security and error responses', async () => {
    const res = await t().app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ops = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, op })));
    expect(ops.length).toBeGreaterThanOrEqual(17);
    for (const { key, op } of ops) {
      expect(op.summary, key).toBeTruthy();
      expect(op.tags?.length, key).toBe(1);
      const isPublic = PUBLIC.has(key);
      expect(op.security, key).toEqual(isPublic ? [] : [{ bearerAuth: [] }]);
      const statuses = Object.keys(op.responses);
      expect(statuses.some((s) => s.startsWith('2')), key).toBe(true);
      expect(statuses, key).toContain('500');
      if (!isPublic) expect(statuses, key).toEqual(expect.arrayContaining(['400', '401', '403', '404']));
    }
    expect(ops.map((o) => o.key)).toEqual(expect.arrayContaining([
      'POST /api/auth/login', 'POST /api/auth/refresh', 'POST /api/auth/logout', 'GET /api/auth/me',
      'POST /api/api-keys', 'GET /api/api-keys', 'DELETE /api/api-keys/:id',
      'GET /api/users', 'POST /api/users', 'GET /api/users/:id', 'PATCH /api/users/:id', 'DELETE /api/users/:id',
      'GET /api/machines', 'POST /api/machines', 'GET /api/audit/verify',
    ]));
    // Described fields reach the docs (and, later, MCP tool schemas).
    expect(JSON.stringify(doc)).toContain('Tools found on the machine');
  });

  it('serves Swagger UI and ReDoc from local assets', async () => {
    const ui = await t().app.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
    const redoc = await t().app.inject({ method: 'GET', url: '/api/redoc' });
    expect(redoc.statusCode).toBe(200);
    expect(redoc.body).toContain('/api/openapi.json');
    const js = await t().app.inject({ method: 'GET', url: '/api/redoc/redoc.standalone.js' });
    expect(js.statusCode).toBe(200);
    expect(js.body.length).toBeGreaterThan(100_000);
  });
});
