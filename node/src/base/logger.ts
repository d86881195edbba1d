/**
 * The logger interface the core depends on (docs/conventions.md §Logging): the part of pino it
 * uses, so components can be given the daemon's root logger (node/src/log.ts) and a silent or
 * capturing one in tests.
 *
 * Each key appears once in a line: a child's bindings replace its parent's of the same name, and
 * the fields of a logged object replace the bindings of the same name. So a component may bind its
 * link id even when its caller bound it already, and still write `"link":"udp0"` once.
 */
export interface Logger {
  child(bindings: Record<string, unknown>): Logger;
  trace(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  child: () => silentLogger,
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
