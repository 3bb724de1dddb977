import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { isAppError, type AppError } from '../core/errors.js';
import type { McpEnv } from './env.js';
import { capText } from './output.js';

/**
 * What a tool does to the data, as MCP annotations. Updates are idempotent and not destructive:
 * they change fields of a record the audit log keeps history of; only `delete` removes something.
 */
const EFFECTS = {
  read: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  create: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  update: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  delete: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  /** Hands a secret to the model: marked destructive so clients ask the user before each call. */
  disclose: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
} satisfies Record<string, ToolAnnotations>;

export interface ToolSpec<S extends z.ZodObject = z.ZodObject> {
  /** snake_case, as agents call it. */
  name: string;
  title: string;
  /** Written for a model: when to use the tool and what it answers with. */
  description: string;
  input: S;
  effect: keyof typeof EFFECTS;
  /** The answer as text (already under the output cap), or an AppError for a clear isError result. */
  run(args: z.output<S>, env: McpEnv): Promise<string>;
}

/** Declares a tool; the identity function keeps `run`'s argument types tied to `input`. */
export const tool = <S extends z.ZodObject>(spec: ToolSpec<S>): ToolSpec<S> => spec;

/** An AppError as one line a model can act on: the message, each field's problem, and the stable code. */
export function describeAppError(err: AppError): string {
  const fields = err.errors?.length ? `: ${err.errors.map((e) => `${e.path || '(input)'}: ${e.message}`).join('; ')}` : '';
  return `${err.message}${fields} [${err.code}]`;
}

export function errorResult(err: unknown, env: McpEnv): CallToolResult {
  if (isAppError(err)) return { isError: true, content: [{ type: 'text', text: describeAppError(err) }] };
  // Like a 500: the details stay in the server log, never in the answer.
  env.onError?.(err);
  return { isError: true, content: [{ type: 'text', text: 'The tool failed unexpectedly; the server log has the details. [internal_error]' }] };
}

/** Registers a tool whose failures become isError results: a bad call never breaks the connection. */
export function registerTool(server: McpServer, spec: ToolSpec<any>, env: McpEnv): void {
  server.registerTool(spec.name, {
    title: spec.title, description: spec.description, inputSchema: spec.input, annotations: { title: spec.title, ...EFFECTS[spec.effect] },
  // The SDK infers the callback's argument type from a literal schema; ours are built at run time, so `run` carries the types instead.
  }, (async (args: unknown): Promise<CallToolResult> => {
    try {
      return { content: [{ type: 'text', text: capText(await spec.run(args, env)) }] };
    } catch (err) {
      return errorResult(err, env);
    }
  }) as never);
}
