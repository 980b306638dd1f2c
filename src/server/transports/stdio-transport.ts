import process from 'node:process';
import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage, type MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import { detachIntoExtra } from '../../pipeline/carried-auth';
import type { Credentials } from '../../auth/provider';
import { ConnectionCaller } from '../../auth/connection-caller';

const MAX_LINE_BYTES = 10 * 1024 * 1024;

/**
 * Newline-delimited JSON-RPC over stdin/stdout, like the SDK's stdio transport, except that a
 * message's credentials (the seed's top-level `auth` member, which the SDK's transport would
 * reject, or `params._meta.auth`) are taken out before schema validation and travel beside it.
 * A desktop client starts a stdio server with a command and environment only: `defaults` are the
 * credentials of every message that carries none.
 */
export class StdioServerTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  private buffer: Buffer = Buffer.alloc(0);
  private started = false;
  /** stdio is one peer, one connection. */
  private readonly connection = new ConnectionCaller();

  /** `defaults`: credentials for every message that carries none (e.g. a token from the environment). */
  constructor(
    private readonly stdin: Readable = process.stdin,
    private readonly stdout: Writable = process.stdout,
    private readonly defaults?: Credentials,
  ) {}

  private readonly onData = (chunk: Buffer): void => {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (let newline = this.buffer.indexOf(0x0a); newline !== -1; newline = this.buffer.indexOf(0x0a)) {
      const line = this.buffer.toString('utf8', 0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.subarray(newline + 1);
      if (line.trim() !== '') this.deliver(line);
    }
    if (this.buffer.length > MAX_LINE_BYTES) {
      this.buffer = Buffer.alloc(0);
      this.onerror?.(new Error(`stdio message larger than ${MAX_LINE_BYTES} bytes dropped`));
    }
  };

  private readonly onStreamError = (error: Error): void => this.onerror?.(error);
  private readonly onEnd = (): void => void this.close();

  private deliver(line: string): void {
    let message: JSONRPCMessage;
    let extra: MessageExtraInfo | undefined;
    try {
      const detached = detachIntoExtra(JSON.parse(line) as unknown, undefined, this.defaults, this.connection);
      extra = detached.extra;
      message = JSONRPCMessageSchema.parse(detached.message);
    } catch {
      // The line may hold credentials: report that it was invalid, never its content.
      this.onerror?.(new Error('invalid JSON-RPC message on stdin'));
      return;
    }
    this.onmessage?.(message, extra);
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('StdioServerTransport already started');
    this.started = true;
    this.stdin.on('data', this.onData);
    this.stdin.on('error', this.onStreamError);
    this.stdin.on('end', this.onEnd);
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.stdout.write(JSON.stringify(message) + '\n')) resolve();
      else this.stdout.once('drain', resolve);
    });
  }

  async close(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.stdin.off('data', this.onData);
    this.stdin.off('error', this.onStreamError);
    this.stdin.off('end', this.onEnd);
    if (this.stdin.listenerCount('data') === 0) this.stdin.pause();
    this.buffer = Buffer.alloc(0);
    this.onclose?.();
  }
}
