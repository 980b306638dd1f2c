import { CorruptSessionError } from './errors';
import type { Logger } from '../logging/logger';

/** What a store tells you when it sets aside a session it cannot read. Never contains a token. */
export interface CorruptSessionReport {
  /** The file path or Redis key that was unreadable. */
  location: string;
  /** Why, in our words (never the stored bytes). */
  reason: string;
  /** Where it was moved to (`*.corrupt`), so the rest of the store keeps working. */
  quarantinedAs?: string;
}

/** Told about each unreadable session a store set aside (`onCorrupt`). */
export type CorruptSessionHandler = (report: CorruptSessionReport) => void;

/** The default handler: one warning on the store's logger. */
export function warnAboutCorruptSession(logger: Logger): CorruptSessionHandler {
  return (report) => logger.warn({ ...report }, 'unreadable session set aside');
}

/** Calls the handler; a throwing handler must not break the read that found the problem. */
export function reportCorruptSession(handler: CorruptSessionHandler, report: CorruptSessionReport, logger: Logger): void {
  try {
    handler(report);
  } catch {
    warnAboutCorruptSession(logger)(report);
  }
}

/**
 * Runs `read`; when it finds corrupt data, sets the data aside (`setAside` quarantines and reports)
 * and answers null, so one bad record never breaks other users. Any other error propagates.
 */
export async function readOrSetAside<T>(read: () => T, setAside: (reason: string) => Promise<void> | void): Promise<T | null> {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof CorruptSessionError)) throw error;
    await setAside(error.message);
    return null;
  }
}
