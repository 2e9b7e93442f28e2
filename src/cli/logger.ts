/**
 * The logger of `attache serve`: pino, on stderr (stdout is kept for the one "serving" line
 * scripts wait for). JSON lines, one object per event, for log pipelines; when stderr is a
 * terminal, the same events pretty-printed by pino-pretty (time, level, message, then the
 * fields), because a person is reading.
 *
 * pino-pretty runs in-process as a synchronous stream rather than as a pino transport (a
 * worker thread): nothing is lost when the process exits right after logging, and lines keep
 * their order with what the process writes to stdout.
 *
 * Every call's arguments (fields, errors, the message) pass through debug/redact.ts first, as
 * the debug endpoint's answers do: no private key or Secret value reaches a log line, whichever
 * object or error message carries it. Only calls at an enabled level pay for it.
 */
import pino, { type Logger, type LoggerOptions as PinoOptions } from 'pino';
import { redact } from '../debug/redact';
import pretty from 'pino-pretty';
import { UsageError } from './flags';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export interface LoggerOptions {
  level: string;
  /** Pretty-print (default: whether stderr is a terminal). */
  pretty?: boolean;
  /** Where lines go (default: stderr, fd 2); tests pass a stream. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(o: LoggerOptions): Logger {
  if (!(LOG_LEVELS as readonly string[]).includes(o.level)) {
    throw new UsageError(`--log-level: expected ${LOG_LEVELS.join(', ')}, got "${o.level}"`);
  }
  const isPretty = o.pretty ?? process.stderr.isTTY === true;
  const options: PinoOptions = { level: o.level, hooks: { logMethod: redactedCall } };
  if (isPretty) {
    const stream = pretty({
      destination: o.destination ?? 2,
      sync: true,
      colorize: o.destination === undefined && pretty.isColorSupported,
      ignore: 'pid,hostname',
      singleLine: true,
    });
    return pino(options, stream);
  }
  return pino(options, o.destination ?? pino.destination({ dest: 2, sync: true }));
}

function redactedCall(this: Logger, args: Parameters<pino.LogFn>, method: pino.LogFn): void {
  method.apply(this, redact(args));
}
