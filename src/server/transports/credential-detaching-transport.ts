import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import { detachIntoExtra } from '../../pipeline/carried-auth';
import { ConnectionTokenHashes } from '../../auth/token-hash';

/**
 * Wraps any SDK transport so a message's credentials (the seed's top-level `auth` member, or
 * `params._meta.auth`) are taken out before the SDK parses it, and travel beside it to the pipeline.
 * The wrapped transport is one connection (as every SDK transport is): its tokens' hashes are kept
 * for it alone (`ConnectionTokenHashes`).
 */
export class CredentialDetachingTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  private readonly tokenHashes = new ConnectionTokenHashes();

  constructor(private readonly inner: Transport) {
    inner.onmessage = (message, extra) => {
      const detached = detachIntoExtra(message, extra, this.tokenHashes);
      this.onmessage?.(detached.message, detached.extra);
    };
    inner.onclose = () => this.onclose?.();
    inner.onerror = (error) => this.onerror?.(error);
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  setProtocolVersion(version: string): void {
    this.inner.setProtocolVersion?.(version);
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    return this.inner.send(message, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
