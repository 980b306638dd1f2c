import type { DependencyContainer } from 'tsyringe';
import type { Constructor, InstanceResolver } from '../metadata/scanner';
import { StartupError } from '../startup-error';

/**
 * Where the instances of registered tool classes come from. A class is a singleton of the server
 * unless the user registered it in the container (then it keeps the lifecycle given there and is
 * resolved from each request's container). Singletons are built when the server starts, or when
 * registered after that, so a missing dependency is a start-up error, not a failed call.
 */
export class ClassInstances {
  private readonly classes = new Set<Constructor>();
  /** Classes made singletons before start-up, built then. */
  private readonly pending = new Set<Constructor>();
  private readonly instances = new Map<Constructor, object>();
  private started = false;

  constructor(private readonly container: DependencyContainer) {}

  /** What a class target calls: the singleton, else the class resolved from the request's container. */
  readonly resolve: InstanceResolver = (cls, ctx) => this.instances.get(cls) ?? ctx.container.resolve(cls);

  /**
   * Prepares a class for registration: after start-up its singleton is built now (a failure throws,
   * changing nothing). Returns what to do once its targets are added.
   */
  adopt(cls: Constructor): () => void {
    this.assertNew(cls);
    const commit = this.container.isRegistered(cls, true) ? () => {} : this.singleton(cls);
    return () => {
      commit();
      this.classes.add(cls);
    };
  }

  assertNew(cls: Constructor): void {
    if (this.classes.has(cls)) throw new StartupError(`${cls.name} is already registered`);
  }

  /** Builds the singletons registered before start-up. */
  start(): void {
    for (const cls of this.pending) this.instances.set(cls, this.construct(cls));
    this.pending.clear();
    this.started = true;
  }

  private singleton(cls: Constructor): () => void {
    if (!this.started) {
      return () => {
        this.container.registerSingleton(cls);
        this.pending.add(cls);
      };
    }
    const instance = this.construct(cls);
    return () => {
      this.container.registerInstance(cls, instance);
      this.instances.set(cls, instance);
    };
  }

  private construct(cls: Constructor): object {
    try {
      return this.container.resolve(cls);
    } catch (error) {
      throw new StartupError(
        `Cannot construct ${cls.name}: ${(error as Error).message}. ` +
          'Classes with constructor parameters need @injectable() and registered dependencies.',
      );
    }
  }
}
