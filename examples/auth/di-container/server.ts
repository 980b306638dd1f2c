import 'reflect-metadata';
import { container as rootContainer, inject, injectable, type DependencyContainer } from 'tsyringe';
import { IsString, MaxLength } from 'class-validator';
import { AUTH_CONTEXT, AUTH_PROVIDER, NextMCP, PERMISSION_MANIFEST, SESSION_STORE, Tool, type ToolContext } from '../../../src';
import { JwtProvider, PermissionManifest, createAuthMiddleware, type AuthContext, type AuthProvider } from '../../../src/auth';
import { MemorySessionStore, type SessionStore } from '../../../src/session';

/** An application service, a singleton in the container. */
@injectable()
export class NotesRepository {
  private readonly notes: { author: string; text: string }[] = [];

  add(author: string, text: string): number {
    this.notes.push({ author, text });
    return this.notes.length;
  }

  list(): { author: string; text: string }[] {
    return [...this.notes];
  }
}

/** A request-scoped service: the caller, from the request's child container. */
@injectable()
export class CurrentUser {
  constructor(@inject(AUTH_CONTEXT) private readonly auth: AuthContext | undefined) {}

  get name(): string {
    return this.auth?.username ?? this.auth?.userId ?? 'anonymous';
  }
}

class NoteInput {
  @IsString() @MaxLength(200) text!: string;
}

/** Tool classes are resolved from the container: their dependencies are injected. */
@injectable()
export class NotesTools {
  constructor(private readonly notes: NotesRepository) {}

  @Tool({ description: 'List the notes' })
  list_notes() {
    return { notes: this.notes.list() };
  }

  @Tool({ description: 'Add a note (the manifest asks for notes:write)' })
  add_note(input: NoteInput, ctx: ToolContext) {
    const author = ctx.container.resolve(CurrentUser).name;
    return { count: this.notes.add(author, input.text) };
  }
}

export interface JwtIssuer {
  issuer: string;
  jwksUri: string;
}

/**
 * The composition root: provider, session store, manifest and services are registered in a tsyringe
 * container; the server, its auth middleware and its tool classes take them from there.
 */
export function composeContainer(issuer: JwtIssuer, audience: string): DependencyContainer {
  const container = rootContainer.createChildContainer();
  container.register<AuthProvider>(AUTH_PROVIDER, { useValue: new JwtProvider({ jwksUri: issuer.jwksUri, issuer: issuer.issuer, audience }) });
  // Where OAuth providers' sessions would live (a JWT caller has none: the token is checked each time).
  container.register<SessionStore>(SESSION_STORE, { useValue: new MemorySessionStore() });
  container.register(PERMISSION_MANIFEST, { useValue: new PermissionManifest().defineToolPermission('add_note', { scopes: ['notes:write'] }) });
  container.registerSingleton(NotesRepository);
  return container;
}

export function createDiServer(container: DependencyContainer): NextMCP {
  const mcp = new NextMCP({ name: 'DI Container Example', version: '1.0.0', container });
  mcp.register(NotesTools);
  // No provider, store or manifest here: AUTH_PROVIDER, SESSION_STORE and PERMISSION_MANIFEST come from the container.
  mcp.use(createAuthMiddleware({ requiredScopes: ['notes:read'] }));
  return mcp;
}
