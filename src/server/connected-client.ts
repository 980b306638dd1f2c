import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { ClientCapabilities, LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import type { JsonSchemaType, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import type { ClientConnection } from '../pipeline/client-connection';
import type { ElicitationRegistry } from './elicitation-registry';

/** The client of one SDK `Server` (one connection or stateful HTTP session). */
export class ConnectedClient implements ClientConnection {
  logLevel: LoggingLevel | undefined;
  private sentElicitations = false;
  // Out of util.inspect's sight: the server reaches its transport and the credentials on it.
  readonly #server: Server;

  constructor(
    server: Server,
    private readonly validator: jsonSchemaValidator,
    private readonly elicitations: ElicitationRegistry,
    readonly requestsUnavailable?: string,
  ) {
    this.#server = server;
  }

  get capabilities(): ClientCapabilities | undefined {
    return this.#server.getClientCapabilities();
  }

  elicitationSent(elicitationId: string): void {
    this.sentElicitations = true;
    this.elicitations.add(elicitationId, this);
  }

  contentMismatch(schema: object, content: unknown): string | undefined {
    const result = this.validator.getValidator(schema as JsonSchemaType)(content);
    return result.valid ? undefined : (result.errorMessage ?? 'invalid content');
  }

  notifyElicitationComplete(elicitationId: string): Promise<void> {
    return this.#server.notification({ method: 'notifications/elicitation/complete', params: { elicitationId } });
  }

  /** Called when the connection closes. */
  closed(): void {
    if (this.sentElicitations) this.elicitations.forget(this);
  }
}
