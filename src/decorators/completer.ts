import type { AuthContext } from '../auth/auth-context';

/** What a completer knows besides the value being typed. */
export interface CompletionContext {
  /** The other arguments (prompt) or variables (resource template) the client has already filled in. */
  arguments: Record<string, string>;
  /** The verified caller, when authenticated. */
  auth?: AuthContext;
}

/**
 * Suggests values for one prompt argument or resource-template variable (`completion/complete`).
 * At most 100 values are sent; the client is told the total and whether there are more.
 *
 * @example
 * const languages: Completer = (value) => ['python', 'typescript', 'rust'].filter((l) => l.startsWith(value));
 */
export type Completer = (value: string, context: CompletionContext) => string[] | Promise<string[]>;

/** Completers by argument (prompt) or variable (resource template) name. */
export type Completers = Record<string, Completer>;
