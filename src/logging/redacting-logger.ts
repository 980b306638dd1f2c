import type { LogFields, Logger } from './logger';

/** Field names whose values are never logged. */
const SECRET_FIELD = /token|secret|password|passphrase|credential|authorization|cookie|api[-_]?key|^code$|code[-_]?verifier|assertion|private[-_]?key|signing[-_]?key|encryption[-_]?key/i;
/** Token shapes inside free text: JWTs and `Bearer …` / `Basic …` credentials. */
const SECRET_TEXT = [/\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, /\b(Bearer|Basic)\s+[\w~+/.=-]+/gi];
const REDACTED = '[redacted]';
const MAX_DEPTH = 6;

/**
 * The package's own logger: every line goes to `target` with secrets taken out of the fields and
 * the message, and a logger that throws never breaks the request that logged.
 */
export class RedactingLogger implements Logger {
  constructor(private readonly target: () => Logger) {}

  debug(fields: LogFields, message: string): void {
    this.write('debug', fields, message);
  }

  info(fields: LogFields, message: string): void {
    this.write('info', fields, message);
  }

  warn(fields: LogFields, message: string): void {
    this.write('warn', fields, message);
  }

  error(fields: LogFields, message: string): void {
    this.write('error', fields, message);
  }

  private write(level: keyof Logger, fields: LogFields, message: string): void {
    try {
      this.target()[level](redactFields(fields), redactText(message));
    } catch {
      // Logging must never change what the package does.
    }
  }
}

/** A copy of `fields` without secrets: values of secret-named fields and token-shaped text replaced. */
export function redactFields(fields: LogFields): LogFields {
  return redactValue(fields, 0) as LogFields;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (value instanceof Error) return redactText(`${value.name}: ${value.message}`);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = SECRET_FIELD.test(key) ? REDACTED : redactValue(item, depth + 1);
  return copy;
}

function redactText(text: string): string {
  let result = text;
  for (const pattern of SECRET_TEXT) result = result.replace(pattern, (match) => (match.startsWith('eyJ') ? REDACTED : `${match.split(/\s+/)[0]} ${REDACTED}`));
  return result;
}
