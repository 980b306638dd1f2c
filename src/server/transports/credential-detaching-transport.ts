import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import { detachIntoExtra } from '../../pipeline/carried-auth';
import { ConnectionAuthMemo } from '../../auth/connection-auth-memo';

/**
 * Wraps any SDK transport so a message's credentials (the seed's top-level `auth` member, or
 * `params._meta.auth`) are taken out before the SDK parses it, and travel beside it to the pipeline.
 * The wrapped transport is one connection (as every SDK transport is): what auth remembers about
 * its tokens is kept for it alone (`ConnectionAuthMemo`).
 */
export class CredentialDetachingTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  private readonly authMemo = new ConnectionAuthMemo();

  constructor(private readonly inner: Transport) {
    inner.onmessage = (message, extra) => {
      const detached = detachIntoExtra(message, extra, this.authMemo);
      // Detaching copies a message with credentials; any other gets its copy here.
      this.onmessage?.(detached.message === message ? reshaped(message) : detached.message, detached.extra);
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

/**
 * A copy of the message with a shape V8 shares between messages. The SDK's client builds every
 * request envelope with an object spread, which in V8 (Node 20) gives each envelope a hidden class
 * of its own, so every later read of it (the SDK's schema checks, ours) misses V8's inline caches.
 * A message that came from JSON already has a shared shape; copying it costs little.
 */
function reshaped(message: JSONRPCMessage): JSONRPCMessage {
  return typeof message === 'object' && message !== null && !Array.isArray(message) ? Object.assign({}, message) : message;
}
