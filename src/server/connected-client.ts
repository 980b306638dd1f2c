import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { ClientCapabilities, LoggingLevel, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { JsonSchemaType, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import type { ClientConnection } from '../pipeline/client-connection';
import type { ElicitationRegistry } from './elicitation-registry';
import type { TargetKind } from './target-registry';
import { JsonRpcError, JsonRpcErrorCode } from '../pipeline/json-rpc-error';

/** Most resource URIs one session may be subscribed to at once: a client cannot grow the server's memory without bound. */
export const MAX_SUBSCRIPTIONS_PER_SESSION = 1_000;

/** The client of one SDK `Server` (one connection or stateful HTTP session). */
export class ConnectedClient implements ClientConnection {
  logLevel: LoggingLevel | undefined;
  /** The resource URIs this session subscribed to (`resources/subscribe`). */
  private readonly subscriptions = new Set<string>();
  private sentElicitations = false;
  // Out of util.inspect's sight: the server reaches its transport and the credentials on it.
  readonly #server: Server;

  constructor(
    server: Server,
    /** What the server declared to this session in `initialize`. */
    readonly declared: ServerCapabilities,
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

  subscribe(uri: string): void {
    if (this.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_SESSION && !this.subscriptions.has(uri)) {
      throw new JsonRpcError(JsonRpcErrorCode.INVALID_PARAMS, `This session is subscribed to ${MAX_SUBSCRIPTIONS_PER_SESSION} resources, the most it may be: unsubscribe from some first`);
    }
    this.subscriptions.add(uri);
  }

  unsubscribe(uri: string): void {
    this.subscriptions.delete(uri);
  }

  /** Drops subscriptions to URIs `isServed` no longer accepts. */
  dropSubscriptions(isServed: (uri: string) => boolean): void {
    for (const uri of this.subscriptions) if (!isServed(uri)) this.subscriptions.delete(uri);
  }

  /** `notifications/{tools,prompts,resources}/list_changed`, when this session was told that list can change. */
  async notifyListChanged(kind: TargetKind): Promise<void> {
    const list = `${kind}s` as const;
    if (!this.declared[list]?.listChanged) return;
    await this.#server.notification({ method: `notifications/${list}/list_changed` });
  }

  /** `notifications/resources/updated` if this session subscribed to `uri`; whether it did. */
  async notifyResourceUpdated(uri: string): Promise<boolean> {
    if (!this.subscriptions.has(uri)) return false;
    await this.#server.notification({ method: 'notifications/resources/updated', params: { uri } });
    return true;
  }

  close(): Promise<void> {
    return this.#server.close();
  }

  /** Called when the connection closes. */
  closed(): void {
    this.subscriptions.clear();
    if (this.sentElicitations) this.elicitations.forget(this);
  }
}
