import type { Implementation, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { NextMCPOptions } from './next-mcp';
import type { TargetRegistry } from './target-registry';

/** The `serverInfo` sent in the `initialize` result. */
export function serverInfo(options: NextMCPOptions): Implementation {
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

/** What the server declares: tools, resources and prompts only when some are registered. */
export function serverCapabilities(registry: TargetRegistry): ServerCapabilities {
  return {
    ...(registry.tools.size > 0 && { tools: {} }),
    ...((registry.resources.size > 0 || registry.resourceTemplates.length > 0) && { resources: {} }),
    ...(registry.prompts.size > 0 && { prompts: {} }),
    logging: {},
  };
}
