import type { IncomingMessage } from 'node:http';
import type { CarriedRequest } from '../../pipeline/carried-auth';

/** The protected resource an HTTP endpoint serves (RFC 9728). */
export interface ResourceInfo {
  /** The endpoint's public URL: RFC 9728 `resource`, and the audience tokens must carry. */
  resourceUrl: string;
  /** Where the protected-resource metadata document is served. */
  metadataUrl: string;
}

/** A refusal decided before the SDK transport: status, headers, and the JSON-RPC error body. */
export interface HttpRefusal {
  status: number;
  headers: Record<string, string>;
  error: { code: number; message: string; data?: unknown };
}

/** What the pipeline gets with an admitted request, and the bearer token for the SDK's `authInfo`. */
export type AdmittedRequest = CarriedRequest & { token: string };

/** What the HTTP endpoint asks of the auth layer for every MCP request, before the SDK sees it. */
export interface HttpAdmission {
  /**
   * Authenticates the request and decides the calls in it, so a refusal can be a real 401/403.
   * Resolves to what the pipeline takes over (credentials, caller, the decisions made), or
   * throws; `refusal()` turns what it throws into a response.
   */
  admit(
    messages: readonly unknown[],
    req: IncomingMessage,
    resource: ResourceInfo,
  ): Promise<AdmittedRequest>;
  /** The HTTP response for an error thrown by `admit`, or undefined when it is not a refusal. */
  refusal(error: unknown, resource: ResourceInfo): HttpRefusal | undefined;
  /** The RFC 9728 protected-resource metadata document for the endpoint. */
  protectedResourceMetadata(resource: ResourceInfo): Record<string, unknown>;
}
