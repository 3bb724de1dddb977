import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serializerCompiler, writerFor } from '../src/http/serializer.js';
import { Client } from '../src/modules/clients/entity.js';

const compile = (schema: z.ZodType) => serializerCompiler({ schema, method: 'GET', url: '/x', httpStatus: '200' } as never) as (data: unknown) => string;
/** What fastify-type-provider-zod answered before: encode with the schema, then JSON.stringify. */
const viaZod = (schema: z.ZodType, data: unknown) => JSON.stringify(z.encode(schema, data));

const Row = z.object({
  id: z.string(),
  count: z.number().int(),
  rate: z.number().nullable(),
  active: z.boolean(),
  status: z.enum(['active', 'inactive']),
  email: z.email().nullable().describe('checked by zod itself'),
  tags: z.array(z.string()),
  nested: z.object({ a: z.string().optional(), b: z.null() }),
  note: z.string().optional(),
  meta: z.unknown(),
});
const Page = z.object({ items: z.array(Row), total: z.number().int() });

const row = {
  id: 'r1', count: 3, rate: 12.5, active: true, status: 'active', email: 'a@example.test', tags: ['x', 'y "quoted"'],
  nested: { b: null, extra: 'dropped' }, meta: { any: [1, 'two'] }, secret: 'never in the output',
};

describe('the response serializer', () => {
  it('writes exactly what encoding with zod writes: declared keys in order, the rest dropped', () => {
    for (const data of [row, { ...row, rate: null, email: null, note: 'n', tags: [] }]) {
      expect(compile(Row)(data)).toBe(viaZod(Row, data));
    }
    const page = { items: [row, { ...row, id: 'r2' }], total: 2, extra: 1 };
    expect(compile(Page)(page)).toBe(viaZod(Page, page));
    expect(compile(Page)(page)).not.toContain('never in the output');
    expect(writerFor(Page)(page, []), 'written without falling back to zod').toBe(true);
  });

  it('gives an invalid payload to zod, which refuses it as before', () => {
    for (const bad of [{ ...row, count: 1.5 }, { ...row, rate: Infinity }, { ...row, status: 'gone' }, { ...row, email: 'not an email' },
      { ...row, id: undefined }, { ...row, tags: 'x' }, [row], null]) {
      expect(() => compile(Row)(bad)).toThrow(/Response doesn't match the schema/);
    }
  });

  it('matches zod on a declared entity page', () => {
    const client = {
      id: '0190a1b2-0000-7000-8000-000000000001', name: 'Acme', short_code: 'ACME', client_type: 'msp_client', status: 'active',
      primary_contact: null, email: null, phone: '+1 555', address: null, website: 'https://acme.example', default_hourly_rate: 125.5,
      notes: null, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-02T00:00:00.000Z',
    };
    const page = { items: [client], total: 1, limit: 50, offset: 0 };
    expect(compile(Client.schemas.page)(page)).toBe(viaZod(Client.schemas.page, page));
    expect(writerFor(Client.schemas.page)(page, [])).toBe(true);
  });
});
