import type { LoggerService } from '@nestjs/common';
import { currentCorrelationId } from '../correlation/correlation.js';

type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys whose values never reach a log line: secrets, card data and personal data. */
const REDACTED_KEYS = /(secret|password|token|credential|authorization|api[-_]?key|hmac|card|cvv|cvc|email|phone|address|first_?name|last_?name)/i;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    out[key] = REDACTED_KEYS.test(key) ? '[redacted]' : redact(inner, depth + 1);
  }
  return out;
}

/** Structured JSON lines on stdout, each with the correlation id of the work in hand. */
export class JsonLogger implements LoggerService {
  constructor(private readonly minimum: Level = 'info') {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (RANK[level] < RANK[this.minimum]) return;
    // Nest passes the context as the last string argument.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, context };
    const correlationId = currentCorrelationId();
    if (correlationId) entry.correlationId = correlationId;
    if (message instanceof Error) {
      entry.msg = message.message;
      entry.err = { name: message.name, stack: message.stack };
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(entry, redact(message));
    } else {
      entry.msg = String(message);
    }
    const trace = rest.find((item) => typeof item === 'string');
    if (trace && level === 'error') entry.stack = trace;
    const line = JSON.stringify(entry, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
    (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
  }
}
