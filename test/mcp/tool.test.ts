import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import type { McpEnv } from '../../src/mcp/env.js';
import { errorResult } from '../../src/mcp/tool.js';

describe('tool failures', () => {
  it('show an AppError with its field problems and code', () => {
    const env = { onError: () => { throw new Error('not for AppErrors'); } } as unknown as McpEnv;
    expect(errorResult(AppError.validation([{ path: 'end_time', message: 'must be after start_time' }]), env)).toEqual({
      isError: true, content: [{ type: 'text', text: 'The request is not valid: end_time: must be after start_time [validation_failed]' }],
    });
  });

  it('hide anything else behind a generic message, reporting it to the server log', () => {
    const seen: unknown[] = [];
    const boom = new Error('connection to 10.0.0.5:5432 refused, password=hunter2');
    const result = errorResult(boom, { onError: (e: unknown) => seen.push(e) } as unknown as McpEnv);
    expect(result).toEqual({ isError: true, content: [{ type: 'text', text: 'The tool failed unexpectedly; the server log has the details. [internal_error]' }] });
    expect(seen).toEqual([boom]);
  });
});
