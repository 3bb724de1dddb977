import Fastify, { type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { systemClock, type Clock } from './core/clock.js';
import { AppError } from './core/errors.js';
import { newId } from './core/ids.js';
import type { Db } from './db/database.js';
import { createCrudService, type CrudService } from './entities/crud-service.js';
import { registerAuth } from './http/auth-plugin.js';
import { registerDocs } from './http/docs.js';
import { registerErrorHandling } from './http/errors.js';
import { lazyRequestLogger } from './http/request-logger.js';
import { registerJsonBodyParser } from './http/json-body.js';
import { apiKeyRoutes } from './modules/api-keys/routes.js';
import { createApiKeyService } from './modules/api-keys/service.js';
import { auditRoutes } from './modules/audit/routes.js';
import { createAuditService } from './modules/audit/service.js';
import { authRoutes } from './modules/auth/routes.js';
import { createAuthService, type AuthService } from './modules/auth/service.js';
import { healthRoutes } from './modules/health/routes.js';
import './modules/all-entities.js';
import { Machine } from './modules/machines/entity.js';
import { buildMspServices, mspRoutes } from './modules/msp.js';
import { buildContextServices } from './modules/context/service.js';
import { contextRoutes } from './modules/context/routes.js';
import { memoryRoutes } from './modules/memory/routes.js';
import { hookRoutes } from './modules/hooks/routes.js';
import { createHookService } from './modules/hooks/service.js';
import { createTimeProposalService } from './modules/hooks/time-proposals.js';
import { createMemoryService } from './modules/memory/service.js';
import { MemoryIndex } from './modules/memory/memory-index.js';
import { machineRoutes } from './modules/machines/routes.js';
import { mcpRoutes } from './mcp/http.js';
import { mcpAllowedHosts, type AllowedHost } from './mcp/origin.js';
import { userRoutes } from './modules/users/routes.js';
import { buildVaultServices, registerVaultRoutes } from './modules/vault/index.js';
import { createUserService } from './modules/users/service.js';
import { createConfigSyncService } from './modules/config-sync/service.js';
import { configSyncRoutes } from './modules/config-sync/routes.js';

export interface AppKeys {
  jwt: Buffer;
  audit: Buffer;
  /** The vault's master key (KEK source); never stored in the database. */
  master: Buffer;
}

export interface AppDeps {
  database: Db;
  keys: AppKeys;
  settings: {
    accessTokenTtl: number;
    refreshTokenTtl: number;
    bodyLimit: number;
    auth: { maxFailures: number; lockoutSeconds: number; rateLimitPerMinute: number };
    trustProxy: boolean;
    /** Reveal and TOTP refuse a request without a reason. */
    vaultRequireReason?: boolean;
    /** Host names POST /mcp answers to (Host and Origin checks); the local names when left out. */
    mcpAllowedHosts?: AllowedHost[];
    /** Most items the in-memory recall index holds (see MemoryIndex); its default when left out. */
    recallIndexMaxItems?: number;
  };
  logger?: Logger | false;
  clock?: Clock;
}

/** The composition root: builds every service once and hands them to the routes. */
export function buildServices(deps: AppDeps) {
  const { db } = deps.database;
  const clock = deps.clock ?? systemClock;
  const audit = createAuditService({ db, key: deps.keys.audit, clock });
  const auth = createAuthService({
    db, audit, clock,
    settings: { jwtKey: deps.keys.jwt, accessTokenTtl: deps.settings.accessTokenTtl, refreshTokenTtl: deps.settings.refreshTokenTtl,
      maxFailures: deps.settings.auth.maxFailures, lockoutSeconds: deps.settings.auth.lockoutSeconds },
  });
  const crud = { db, audit, clock, memoryIndex: new MemoryIndex(db, { maxItems: deps.settings.recallIndexMaxItems }) };
  const msp = buildMspServices(crud);
  return {
    db, clock, audit, auth, memoryIndex: crud.memoryIndex,
    ...msp,
    hooks: createHookService(crud),
    timeProposals: createTimeProposalService(db, msp.billableTime, () => clock.now().toISOString()),
    context: buildContextServices(crud),
    memory: createMemoryService(crud),
    users: createUserService({ ...crud, auth }),
    apiKeys: createApiKeyService({ ...crud, forgetApiKeys: auth.forgetApiKeys }),
    machines: forgettingKeysOnDelete(createCrudService(Machine, crud), auth),
    vault: buildVaultServices({ ...crud, masterKey: deps.keys.master, auditKey: deps.keys.audit, requireReason: deps.settings.vaultRequireReason }),
    configSync: createConfigSyncService(crud),
  };
}

/** A deleted machine leaves its API keys with no machine_id: the keys the auth service remembers must follow. */
function forgettingKeysOnDelete<S extends CrudService<any>>(service: S, auth: AuthService): S {
  return { ...service, async remove(ctx, id) { try { await service.remove(ctx, id); } finally { auth.forgetApiKeys(); } } };
}

export type Services = ReturnType<typeof buildServices>;

/** A Fastify instance with every plugin and route; it never listens (main.ts does, tests inject). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance & { services: Services }> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger, childLoggerFactory: lazyRequestLogger } : { logger: false }),
    bodyLimit: deps.settings.bodyLimit,
    trustProxy: deps.settings.trustProxy,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : newId();
    },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    routerOptions: { maxParamLength: 200 },
  }) as unknown as FastifyInstance;
  const services = buildServices(deps);
  // A wrong or unknown master key refuses to build the app, before anything is served or written.
  await services.vault.keyring.unlock();
  app.decorate('services', services);

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerJsonBodyParser(app);
  app.addHook('onSend', async (req, reply) => { reply.header('x-request-id', req.id); });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => AppError.rateLimited(ctx.ttl / 1000),
  });
  registerAuth(app, services.auth);
  await registerDocs(app);

  healthRoutes(app, deps.database);
  authRoutes(app, { auth: services.auth, users: services.users, db: services.db, rateLimitPerMinute: deps.settings.auth.rateLimitPerMinute });
  userRoutes(app, services.users);
  apiKeyRoutes(app, services.apiKeys);
  machineRoutes(app, services.machines);
  mspRoutes(app, services, services.machines);
  contextRoutes(app, services.context, services);
  memoryRoutes(app, services.memory);
  hookRoutes(app, services.hooks, services.timeProposals);
  auditRoutes(app, { db: services.db, audit: services.audit });
  registerVaultRoutes(app, services.vault);
  mcpRoutes(app, services, deps.settings.mcpAllowedHosts ?? mcpAllowedHosts('127.0.0.1'));
  configSyncRoutes(app, services.configSync);

  await app.ready();
  return app as unknown as FastifyInstance & { services: Services };
}
