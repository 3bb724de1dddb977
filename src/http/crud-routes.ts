import type { FastifyInstance } from 'fastify';
import type { CrudService } from '../entities/crud-service.js';
import { route } from './route.js';

type Operation = 'list' | 'get' | 'create' | 'update' | 'delete';

export interface CrudRouteOptions {
  only?: Operation[];
  tag?: string;
}

const article = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a');

/** The five CRUD routes of an entity under /api/<path>, documented from its declaration. */
export function crudRoutes(app: FastifyInstance, service: CrudService<any>, opts: CrudRouteOptions = {}): void {
  const e = service.entity;
  const { row, listQuery, page, idParams } = e.schemas;
  const ops = new Set(opts.only ?? ['list', 'get', 'create', 'update', 'delete']);
  const base = `/api/${e.path}`;
  const tag = opts.tag ?? e.plural[0].toUpperCase() + e.plural.slice(1);
  const a = `${article(e.name)} ${e.name}`;

  if (ops.has('list')) route(app, { method: 'GET', url: base, tag, summary: `List ${e.plural}`, query: listQuery, response: page,
    handler: ({ ctx, query }) => service.list(ctx, query) });
  if (ops.has('create')) route(app, { method: 'POST', url: base, tag, summary: `Create ${a}`, body: service.createSchema, status: 201, response: row,
    handler: ({ ctx, body }) => service.create(ctx, body) });
  if (ops.has('get')) route(app, { method: 'GET', url: `${base}/:id`, tag, summary: `Get ${a}`, params: idParams, response: row,
    handler: ({ ctx, params }) => service.get(ctx, params.id) });
  if (ops.has('update')) route(app, { method: 'PATCH', url: `${base}/:id`, tag, summary: `Update ${a} (partial)`, params: idParams, body: service.updateSchema, response: row,
    handler: ({ ctx, params, body }) => service.update(ctx, params.id, body) });
  if (ops.has('delete')) route(app, { method: 'DELETE', url: `${base}/:id`, tag, summary: `Delete ${a}`, params: idParams,
    handler: ({ ctx, params }) => service.remove(ctx, params.id) });
}
