import type { PromptTarget, ResourceTarget, Target, ToolTarget } from '../metadata/targets';
import { StartupError } from '../startup-error';

/**
 * Requests that address a target, decided by that target's access (a completion or a subscription
 * needs what using the prompt or reading the resource needs). They are enforced even when the
 * target is unknown (e.g. an unknown tool name).
 */
export const TARGETED_METHODS: ReadonlySet<string> = new Set([
  'tools/call',
  'resources/read',
  'prompts/get',
  'completion/complete',
  'resources/subscribe',
  'resources/unsubscribe',
]);

/**
 * Requests that address no target yet change what the MCP session is sent: decided like a call to
 * no known target (under a REQUIRED middleware: an authenticated caller with its scopes).
 */
export const SESSION_SETTING_METHODS: ReadonlySet<string> = new Set(['logging/setLevel']);

/** Whether a request is decided by an access: every request but `initialize`, `ping` and the listings. */
export function isDecidedMethod(method: string): boolean {
  return TARGETED_METHODS.has(method) || SESSION_SETTING_METHODS.has(method);
}

export type TargetKind = Target['kind'];

/** The tools, resources and prompts of one server, by name (tools, prompts) and URI (resources). */
export class TargetRegistry {
  readonly tools = new Map<string, ToolTarget>();
  readonly prompts = new Map<string, PromptTarget>();
  /** Fixed-URI resources by URI. */
  readonly resources = new Map<string, ResourceTarget>();
  /** Templated resources, matched in registration order. */
  readonly resourceTemplates: ResourceTarget[] = [];

  /** Throws when one of `targets` clashes with another of them or with a registered one. */
  assertAddable(targets: readonly Target[]): void {
    const adding = new TargetRegistry();
    for (const target of targets) {
      this.assertFree(target);
      adding.assertFree(target);
      adding.insert(target);
    }
  }

  /** Adds all of `targets` or, when one clashes, none (throws). */
  add(...targets: Target[]): void {
    this.assertAddable(targets);
    for (const target of targets) this.insert(target);
  }

  /** Removes the tool or prompt named `name`, or the resource whose URI or URI template is `name`; the removed target, if any. */
  remove(kind: TargetKind, name: string): Target | undefined {
    const target = this.find(kind, name);
    if (!target) return undefined;
    if (target.kind === 'tool') this.tools.delete(name);
    else if (target.kind === 'prompt') this.prompts.delete(name);
    else if (target.template) this.resourceTemplates.splice(this.resourceTemplates.indexOf(target), 1);
    else this.resources.delete(name);
    return target;
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

  /** The resource a completion's `ref/resource` names: by its URI template, else as a URI it serves. */
  resourceOfReference(uri: string): ResourceTarget | undefined {
    return this.resourceTemplates.find((t) => t.uri === uri) ?? this.findResource(uri)?.target;
  }

  /** The target a request addresses, if it addresses a known one. */
  targetOf(method: string, params: Record<string, unknown> | undefined): Target | undefined {
    switch (method) {
      case 'tools/call':
        return this.tools.get(String(params?.name));
      case 'prompts/get':
        return this.prompts.get(String(params?.name));
      case 'resources/read':
      case 'resources/subscribe':
      case 'resources/unsubscribe':
        return this.findResource(String(params?.uri))?.target;
      case 'completion/complete': {
        const ref = params?.ref as { type?: unknown; name?: unknown; uri?: unknown } | undefined;
        if (ref?.type === 'ref/prompt') return this.prompts.get(String(ref.name));
        if (ref?.type === 'ref/resource') return this.resourceOfReference(String(ref.uri));
        return undefined;
      }
      default:
        return undefined;
    }
  }

  all(): Target[] {
    return [...this.tools.values(), ...this.resources.values(), ...this.resourceTemplates, ...this.prompts.values()];
  }

  private find(kind: TargetKind, name: string): Target | undefined {
    if (kind === 'tool') return this.tools.get(name);
    if (kind === 'prompt') return this.prompts.get(name);
    return this.resources.get(name) ?? this.resourceTemplates.find((t) => t.uri === name);
  }

  private assertFree(target: Target): void {
    const key = target.kind === 'resource' ? target.uri : target.name;
    const existing = this.find(target.kind, key);
    // A fixed URI and a template are never the same string (a template has braces).
    if (existing) throw new StartupError(`Duplicate ${describeKey(target)} "${key}": declared by ${existing.source} and by ${target.source}`);
  }

  private insert(target: Target): void {
    if (target.kind === 'tool') this.tools.set(target.name, target);
    else if (target.kind === 'prompt') this.prompts.set(target.name, target);
    else if (target.template) this.resourceTemplates.push(target);
    else this.resources.set(target.uri, target);
  }
}

function describeKey(target: Target): string {
  if (target.kind === 'resource') return target.template ? 'resource URI template' : 'resource URI';
  return `${target.kind} name`;
}
