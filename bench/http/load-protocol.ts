/** Messages between the bench and its load-generating child process. */

/** One fixed window of load against one endpoint. */
export interface LoadJob {
  url: string;
  /** Sent with every request (e.g. `authorization`). */
  headers: Record<string, string>;
  /** Requests kept in flight (1 = sequential), each on its own keep-alive connection. */
  inFlight: number;
  windowMs: number;
  /** Open one MCP session per connection first (initialize), and end it afterwards. */
  stateful: boolean;
}

export interface LoadRequest {
  id: number;
  job: LoadJob;
}

export interface LoadReply {
  id: number;
  sample?: import('../lib/sample').WindowSample;
  error?: string;
}
