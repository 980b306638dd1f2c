import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import { detachIntoExtra } from '../../pipeline/carried-auth';
import { hasBodyCredentials } from '../../pipeline/credentials';
import type { Credentials } from '../../auth/provider';
import { ConnectionCaller } from '../../auth/connection-caller';

/**
 * Wraps any SDK transport so a message's credentials (the seed's top-level `auth` member, or
 * `params._meta.auth`) are taken out before the SDK parses it, and travel beside it to the pipeline.
 * `defaults` (e.g. `{ access_token: process.env.NOTES_TOKEN }`) go with every message that carries none.
 */
export class CredentialDetachingTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  constructor(
    private readonly inner: Transport,
    defaults?: Credentials,
  ) {
    const connection = new ConnectionCaller();
    inner.onmessage = (message, extra) => {
      // Most messages carry nothing to take out. They go on as a copy all the same: the SDK client
      // builds each envelope with an object spread, which gives it a V8 shape of its own, and the
      // SDK's parsing of such envelopes is measurably slower than of copies that share one
      // (BENCHMARKS.md: in-process without auth, 0.93x without the copy, 0.98-0.99x with it).
      if (defaults === undefined && !hasBodyCredentials(message)) return this.onmessage?.(Object.assign({}, message), extra);
      const detached = detachIntoExtra(message, extra, defaults, connection);
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
