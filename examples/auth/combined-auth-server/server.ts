import 'reflect-metadata';
import { IsString } from 'class-validator';
import { NextMCP, Public, RequiresAuth, RequiresPermission, RequiresRole, Tool, type ToolContext } from '../../../src';
import { ApiKeyProvider, PermissionManifest, RBAC, createAuthMiddleware, type ApiKeyEntry, type GitHubOAuthProvider } from '../../../src/auth';
import { MemorySessionStore } from '../../../src/session';

class ContentInput {
  @IsString() content_id!: string;
}

class PostInput {
  @IsString() title!: string;
}

class ContentTools {
  @Tool({ description: 'What this server is (no sign-in needed)' })
  @Public()
  get_public_info() {
    return { service: 'Combined Auth MCP Server', auth_methods: ['api_key', 'github_oauth'] };
  }

  @Tool({ description: 'Who is calling: roles, and the permissions they grant' })
  get_my_profile(_input: unknown, { auth }: ToolContext) {
    return { user_id: auth!.userId, provider: auth!.provider, roles: [...auth!.roles], permissions: [...auth!.permissions].sort() };
  }

  @Tool({ description: 'View content' })
  @RequiresRole('viewer', 'editor', 'admin')
  view_content(input: ContentInput, { auth }: ToolContext) {
    return { content_id: input.content_id, viewed_by: auth!.userId };
  }

  @Tool({ description: 'Edit content' })
  @RequiresRole('editor', 'admin')
  edit_content(input: ContentInput, { auth }: ToolContext) {
    return { content_id: input.content_id, updated_by: auth!.userId };
  }

  @Tool({ description: 'Create a post' })
  @RequiresPermission('write:posts')
  create_post(input: PostInput, { auth }: ToolContext) {
    return { title: input.title, author: auth!.userId };
  }

  @Tool({ description: 'GitHub users only; the manifest asks for repo:read, which GitHub scope repo implies' })
  @RequiresAuth('github')
  github_repo_access(_input: unknown, { auth }: ToolContext) {
    return { login: auth!.username, scopes: [...auth!.scopes].sort() };
  }

  @Tool({ description: 'Dangerous admin operation (the manifest marks it and guards it)' })
  dangerous_operation(_input: unknown, { auth }: ToolContext) {
    return { performed_by: auth!.userId };
  }
}

/** Roles and the permissions they grant (wildcards: `read:*` grants `read:posts`; `*` grants all). */
export function contentRoles(): RBAC {
  const rbac = new RBAC();
  rbac.defineRole('admin', 'Administrator with full access', ['*']);
  rbac.defineRole('editor', 'Content editor', ['read:*', 'write:posts', 'write:pages']);
  rbac.defineRole('viewer', 'Read-only access', ['read:*']);
  rbac.defineRole('service', 'Automation', ['read:*', 'write:*', 'automation:*']);
  return rbac;
}

/** Per-tool rules, and what provider scopes imply (a GitHub token with `repo` has `repo:read`). */
export function contentManifest(): PermissionManifest {
  return new PermissionManifest()
    .defineScope('repo:read', 'Read repository access', { github: ['repo'] }) // every listed GitHub scope must be granted
    .defineToolPermission('github_repo_access', { scopes: ['repo:read'] })
    .defineToolPermission('dangerous_operation', { roles: ['admin'], permissions: ['admin:all'], dangerous: true });
}

/**
 * Everything at once: API keys for service accounts and GitHub OAuth for people (GitHub org
 * membership mapped to roles), RBAC expanding roles into permissions, role/permission decorators,
 * a manifest with a provider scope mapping, and `@Public()` — all decided by the one `authorize()`.
 */
export function createCombinedServer(github: GitHubOAuthProvider, keys: Record<string, ApiKeyEntry>): NextMCP {
  const mcp = new NextMCP({ name: 'Combined Auth Example', version: '1.0.0' });
  mcp.register(ContentTools);
  mcp.use(
    createAuthMiddleware({
      providers: [new ApiKeyProvider({ keys }), github],
      rbac: contentRoles(),
      manifest: contentManifest(),
      sessionStore: new MemorySessionStore(),
    }),
  );
  return mcp;
}
