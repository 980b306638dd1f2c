import type { PromptTarget, ResourceTarget, Target, ToolTarget } from '../metadata/targets';
import { StartupError } from '../startup-error';

/** Requests that address a target; they are enforced even when the target is unknown (e.g. an unknown tool name). */
export const TARGETED_METHODS: ReadonlySet<string> = new Set(['tools/call', 'resources/read', 'prompts/get']);

/** The tools, resources and prompts of one server, by name (tools, prompts) and URI (resources). */
export class TargetRegistry {
  readonly tools = new Map<string, ToolTarget>();
  readonly prompts = new Map<string, PromptTarget>();
  /** Fixed-URI resources by URI. */
  readonly resources = new Map<string, ResourceTarget>();
  /** Templated resources, matched in registration order. */
  readonly resourceTemplates: ResourceTarget[] = [];

  add(target: Target): void {
    switch (target.kind) {
      case 'tool':
        this.addUnique(this.tools, target.name, target, 'tool name');
        break;
      case 'prompt':
        this.addUnique(this.prompts, target.name, target, 'prompt name');
        break;
      case 'resource':
        if (target.template) {
          const clash = this.resourceTemplates.find((t) => t.uri === target.uri);
          if (clash) throw duplicate('resource URI template', target.uri, clash, target);
          this.resourceTemplates.push(target);
        } else {
          this.addUnique(this.resources, target.uri, target, 'resource URI');
        }
        break;
    }
  }

  /** The resource a URI addresses: a fixed URI first, then the first template that matches. */
  findResource(uri: string): { target: ResourceTarget; variables: Record<string, string | string[]> } | undefined {
    const fixed = this.resources.get(uri);
    if (fixed) return { target: fixed, variables: {} };
    for (const target of this.resourceTemplates) {
      const variables = target.template!.match(uri);
      if (variables) return { target, variables };
    }
    return undefined;
  }

  /** The target a request addresses, if it addresses a known one. */
  targetOf(method: string, params: Record<string, unknown> | undefined): Target | undefined {
    switch (method) {
      case 'tools/call':
        return this.tools.get(String(params?.name));
      case 'prompts/get':
        return this.prompts.get(String(params?.name));
      case 'resources/read':
        return this.findResource(String(params?.uri))?.target;
      default:
        return undefined;
    }
  }

  all(): Target[] {
    return [...this.tools.values(), ...this.resources.values(), ...this.resourceTemplates, ...this.prompts.values()];
  }

  private addUnique<T extends Target>(map: Map<string, T>, key: string, target: T, what: string): void {
    const existing = map.get(key);
    if (existing) throw duplicate(what, key, existing, target);
    map.set(key, target);
  }
}

function duplicate(what: string, key: string, first: Target, second: Target): StartupError {
  return new StartupError(`Duplicate ${what} "${key}": declared by ${first.source} and by ${second.source}`);
}
