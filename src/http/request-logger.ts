import type { Bindings, ChildLoggerOptions, Level, Logger } from 'pino';
import type { FastifyBaseLogger } from 'fastify';

type Method = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * A request's logger, made only when the request logs something at an enabled level. Fastify makes a
 * child logger for every request; with our redaction paths pino spends ~12 µs building one (every binding
 * goes through the redactor), a twentieth of a whole `GET /api/clients/:id`, for requests that mostly log
 * nothing (at `warn`) or two lines.
 */
class LazyChildLogger implements FastifyBaseLogger {
  private made: Logger | undefined;

  constructor(private readonly parent: Logger, private readonly bindings: Bindings, private readonly options: ChildLoggerOptions) {}

  get level(): string {
    return this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger().level = level;
  }

  fatal(...args: unknown[]): void { this.log('fatal', args); }
  error(...args: unknown[]): void { this.log('error', args); }
  warn(...args: unknown[]): void { this.log('warn', args); }
  info(...args: unknown[]): void { this.log('info', args); }
  debug(...args: unknown[]): void { this.log('debug', args); }
  trace(...args: unknown[]): void { this.log('trace', args); }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger().child(bindings, options);
  }

  private log(name: Method, args: unknown[]): void {
    if (this.enabled(name)) (this.logger()[name] as (...a: unknown[]) => void)(...args);
  }

  private enabled(level: Level): boolean {
    return this.made ? this.made.isLevelEnabled(level) : this.options.level === undefined ? this.parent.isLevelEnabled(level)
      : this.parent.levels.values[level]! >= this.parent.levels.values[this.options.level]!;
  }

  private logger(): Logger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }
}

/** Fastify's `childLoggerFactory`: the per-request logger, lazily. */
export function lazyRequestLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyChildLogger(logger as Logger, bindings, options);
}
