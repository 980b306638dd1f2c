import type { DependencyContainer } from 'tsyringe';
import type { AuthProvider } from './provider';
import type { ProviderRef } from '../metadata/access-policy';
import { StartupError } from '../startup-error';

export function isAuthProvider(value: unknown): value is AuthProvider {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AuthProvider).authenticate === 'function' &&
    typeof (value as AuthProvider).name === 'string'
  );
}

/** The providers a server knows, by name. Names are unique: they route tokens and label callers. */
export class ProviderRegistry {
  private readonly byName = new Map<string, AuthProvider>();

  add(provider: AuthProvider): AuthProvider {
    if (!isAuthProvider(provider)) throw new StartupError('not an AuthProvider (needs name and authenticate())');
    const existing = this.byName.get(provider.name);
    if (existing && existing !== provider) {
      throw new StartupError(`Two different providers are named "${provider.name}"; give one a distinct name`);
    }
    this.byName.set(provider.name, provider);
    return provider;
  }

  get(name: string): AuthProvider | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  all(): AuthProvider[] {
    return [...this.byName.values()];
  }

  /** The provider a `@RequiresAuth` reference means: an instance, a name, or a class/token from DI. */
  resolve(ref: ProviderRef, container: DependencyContainer): AuthProvider {
    if (isAuthProvider(ref)) return this.add(ref);
    if (typeof ref === 'string') {
      const named = this.byName.get(ref);
      if (named) return named;
      if (!container.isRegistered(ref, true)) {
        throw new StartupError(`No auth provider named "${ref}" (known: ${this.names().join(', ') || 'none'})`);
      }
    }
    let resolved: unknown;
    try {
      resolved = container.resolve(ref as never);
    } catch (error) {
      throw new StartupError(`Cannot resolve the auth provider ${describeRef(ref)}: ${(error as Error).message}`);
    }
    if (!isAuthProvider(resolved)) throw new StartupError(`${describeRef(ref)} did not resolve to an AuthProvider`);
    return this.add(resolved);
  }
}

function describeRef(ref: ProviderRef): string {
  if (typeof ref === 'function') return ref.name || 'class';
  return String(ref);
}
