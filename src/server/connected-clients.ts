import type { ConnectedClient } from './connected-client';
import type { TargetKind } from './target-registry';

/**
 * The open MCP sessions of one server (stdio and in-memory connections, stateful HTTP sessions,
 * stateless HTTP requests in flight), for what the server tells all of them. Notifications are
 * best effort: a session that is closing misses them.
 */
export class ConnectedClients {
  private readonly clients = new Set<ConnectedClient>();

  add(client: ConnectedClient): void {
    this.clients.add(client);
  }

  delete(client: ConnectedClient): void {
    this.clients.delete(client);
  }

  /** `notifications/{kind}s/list_changed` for each kind, to every session told that list can change. */
  notifyListChanged(kinds: Iterable<TargetKind>): void {
    const changed = new Set(kinds);
    for (const client of this.clients) for (const kind of changed) client.notifyListChanged(kind).catch(ignore);
  }

  /** `notifications/resources/updated` to the sessions subscribed to `uri`; resolves to how many were sent it. */
  async notifyResourceUpdated(uri: string): Promise<number> {
    const sent = await Promise.all([...this.clients].map((client) => client.notifyResourceUpdated(uri).catch(() => false)));
    return sent.filter(Boolean).length;
  }

  /** Drops subscriptions to URIs `isServed` no longer accepts (their resource was unregistered). */
  dropSubscriptions(isServed: (uri: string) => boolean): void {
    for (const client of this.clients) client.dropSubscriptions(isServed);
  }

  closeAll(): Promise<void>[] {
    return [...this.clients].map((client) => client.close());
  }
}

function ignore(): void {}
