/** Messages between `npm run stress` and its server process. */
export type ParentMessage = { type: 'memory' } | { type: 'stop' };

export type ServerMessage =
  | { type: 'ready'; stateless: string; stateful: string; oauth: string; oauthCallers: { user: string; token: string }[] }
  | { type: 'memory'; rss: number; heapUsed: number };

export interface MemoryFigures {
  rss: number;
  heapUsed: number;
}
