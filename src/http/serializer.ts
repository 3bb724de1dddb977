import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Response serialization with the same result as fastify-type-provider-zod's (encode with the route's
 * response schema, which strips every key the schema does not declare, then JSON.stringify), but without
 * building zod's output objects for the plain shapes our rows have. A writer compiled from the schema
 * checks each value exactly as zod would for the types it knows (plain strings, finite numbers, safe
 * integers, booleans, enums, null, nullable and optional, arrays and stripping objects); any other part
 * goes through zod itself. When a value does not pass, the payload is handed to the zod serializer,
 * which gives the same answer or the same error as before.
 */
export const serializerCompiler: FastifySerializerCompiler<unknown> = (route) => {
  const viaZod = zodSerializerCompiler(route as never) as (data: unknown) => string;
  const schema = route.schema as unknown;
  const write = schema instanceof z.ZodType ? writerFor(schema) : null;
  if (!write) return viaZod;
  return (data) => {
    const out: string[] = [];
    return write(data, out) ? out.join('') : viaZod(data);
  };
};

/** Appends the JSON of a value to `out` and returns true, or returns false when zod must decide. */
type Writer = (value: unknown, out: string[]) => boolean;

const cache = new WeakMap<z.ZodType, Writer>();

/** A writer for any schema; the kinds it does not know get zod's own encode for their part. */
export function writerFor(schema: z.ZodType): Writer {
  let writer = cache.get(schema);
  if (!writer) {
    writer = known(schema) ?? viaZodEncode(schema);
    cache.set(schema, writer);
  }
  return writer;
}

function viaZodEncode(schema: z.ZodType): Writer {
  return (value, out) => {
    const result = z.safeEncode(schema, value);
    if (!result.success) return false;
    const json = JSON.stringify(result.data);
    if (json === undefined) return false;
    out.push(json);
    return true;
  };
}

function known(schema: z.ZodType): Writer | null {
  const def = (schema as any)._zod.def;
  const checks: any[] = def.checks ?? [];
  switch (def.type) {
    case 'string':
      if (checks.length || def.format) return null;
      return (v, out) => typeof v === 'string' && (out.push(JSON.stringify(v)), true);
    case 'number': {
      if (checks.length === 0) return (v, out) => typeof v === 'number' && Number.isFinite(v) && (out.push(String(v)), true);
      const only = checks.length === 1 ? checks[0]._zod.def : null;
      if (only?.check === 'number_format' && only.format === 'safeint') return (v, out) => Number.isSafeInteger(v) && (out.push(String(v)), true);
      return null;
    }
    case 'boolean':
      return (v, out) => typeof v === 'boolean' && (out.push(v ? 'true' : 'false'), true);
    case 'null':
      return (v, out) => v === null && (out.push('null'), true);
    case 'enum': {
      const values = new Set<unknown>(Object.values(def.entries));
      return (v, out) => (typeof v === 'string' || typeof v === 'number') && values.has(v) && (out.push(JSON.stringify(v)), true);
    }
    case 'nullable': {
      const inner = writerFor(def.innerType);
      return (v, out) => (v === null ? (out.push('null'), true) : inner(v, out));
    }
    case 'array': {
      if (checks.length) return null;
      const element = writerFor(def.element);
      return (v, out) => {
        if (!Array.isArray(v)) return false;
        out.push('[');
        for (let i = 0; i < v.length; i++) {
          if (i) out.push(',');
          if (!element(v[i], out)) return false;
        }
        out.push(']');
        return true;
      };
    }
    case 'object':
      return checks.length || def.catchall ? null : objectWriter(def.shape);
    default:
      return null;
  }
}

/** A stripping object: declared keys in declared order, an absent optional key left out, the rest dropped. */
function objectWriter(shape: Record<string, z.ZodType>): Writer {
  const fields = Object.entries(shape).map(([key, schema]) => {
    const def = (schema as any)._zod.def;
    const optional = def.type === 'optional';
    return { key, prefix: `${JSON.stringify(key)}:`, optional, write: writerFor(optional ? def.innerType : schema) };
  });
  return (v, out) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const row = v as Record<string, unknown>;
    out.push('{');
    let first = true;
    for (const field of fields) {
      const value = row[field.key];
      if (value === undefined) {
        if (field.optional) continue;
        return false;
      }
      out.push(first ? field.prefix : `,${field.prefix}`);
      first = false;
      if (!field.write(value, out)) return false;
    }
    out.push('}');
    return true;
  };
}
