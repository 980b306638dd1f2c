import type { Icon, Implementation, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { TargetRegistry } from './target-registry';

/** How a server describes itself to clients (part of `NextMCPOptions`). */
export interface ServerDescription {
  /** The server's name for programs, sent in `serverInfo` (required). */
  name: string;
  /** The server's version, sent in `serverInfo` (required). */
  version: string;
  /** A display name for people (`name` is for programs). */
  title?: string;
  /** What the server does, for people choosing it (sent in `serverInfo`). */
  description?: string;
  /** The server's home page (sent in `serverInfo`). */
  websiteUrl?: string;
  /** Icons a client may show for the server (`src` is a URL or a `data:` URI). */
  icons?: Icon[];
}

/** The `serverInfo` sent in the `initialize` result. */
export function serverInfo(options: ServerDescription): Implementation {
  const { name, version, title, description, websiteUrl, icons } = options;
  return {
    name,
    version,
    ...(title !== undefined && { title }),
    ...(description !== undefined && { description }),
    ...(websiteUrl !== undefined && { websiteUrl }),
    ...(icons !== undefined && { icons }),
  };
}

/**
 * What the server declares to a session when it opens: `tools`, `resources` and `prompts` only
 * when some are registered then (capabilities cannot change within a session), `completions` with
 * prompts or resources, and `logging`. Lists can change at run time and resources be subscribed
 * to, except over stateless HTTP, which has no session to notify.
 */
export function serverCapabilities(registry: TargetRegistry, connection: { stateless?: boolean } = {}): ServerCapabilities {
  const notifiable = !connection.stateless;
  const hasResources = registry.resources.size > 0 || registry.resourceTemplates.length > 0;
  const hasPrompts = registry.prompts.size > 0;
  return {
    ...(registry.tools.size > 0 && { tools: notifiable ? { listChanged: true } : {} }),
    ...(hasResources && { resources: notifiable ? { subscribe: true, listChanged: true } : {} }),
    ...(hasPrompts && { prompts: notifiable ? { listChanged: true } : {} }),
    ...((hasPrompts || hasResources) && { completions: {} }),
    logging: {},
  };
}
