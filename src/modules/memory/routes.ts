import type { FastifyInstance } from 'fastify';
import { route } from '../../http/route.js';
import { IngestBody, IngestResult, RecallBody, RecallResult } from './schemas.js';
import type { MemoryService } from './service.js';

export function memoryRoutes(app: FastifyInstance, memory: MemoryService) {
  route(app, {
    method: 'POST', url: '/api/memory/ingest', tag: 'Memory', status: 201,
    summary: 'Store conversation turns as recallable memory (redacted, compressed, tagged, deduplicated; idempotent)',
    body: IngestBody, response: IngestResult,
    handler: ({ ctx, body }) => memory.ingest(ctx, body),
  });
  route(app, {
    method: 'POST', url: '/api/memory/recall', tag: 'Memory',
    summary: 'The memories most relevant to a query, ranked and formatted within a token budget',
    body: RecallBody, response: RecallResult,
    handler: ({ ctx, body }) => memory.recall(ctx, body),
  });
}
