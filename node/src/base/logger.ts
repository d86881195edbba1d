/**
 * The logger interface the core depends on: the part of pino it uses, so components can be given
 * pino's root logger in the daemon and a silent or capturing one in tests.
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
