import 'reflect-metadata';
import { join } from 'node:path';
import { IsString, IsInt, IsObject } from 'class-validator';
import { NextMCP, Tool, type ToolContext } from '../../../src';
import { ApiKeyProvider, PermissionManifest, createAuthMiddleware, type ApiKeyEntry } from '../../../src/auth';

class QueryInput {
  @IsString() query!: string;
}

class UpdateInput {
  @IsInt() record_id!: number;
  @IsObject() data!: Record<string, unknown>;
}

class ConfirmInput {
  @IsString() confirmation!: string;
}

/** Plain tools: who may call them is the manifest's business, not theirs. */
class DatabaseTools {
  @Tool({ description: 'Query the database' })
  query_database(input: QueryInput, { auth }: ToolContext) {
    return { user: auth!.username, query: input.query, rows: [{ id: 1, name: 'Alice' }, { id: 2, name: 'Bob' }] };
  }

  @Tool({ description: 'Update a record' })
  update_database(input: UpdateInput, { auth }: ToolContext) {
    return { user: auth!.username, updated: input.record_id };
  }

  @Tool({ description: 'Delete all data' })
  delete_all_data(input: ConfirmInput, { auth }: ToolContext) {
    if (input.confirmation !== 'I UNDERSTAND THIS IS PERMANENT') return { deleted: false, reason: 'confirmation missing' };
    return { deleted: true, by: auth!.username };
  }

  @Tool({ description: 'Export user data' })
  export_user_data(_input: unknown, { auth }: ToolContext) {
    return { user: auth!.username, url: `/exports/users_${auth!.userId}.json` };
  }
}

/** The demo's API keys: who holds which roles and permissions. */
export const DEMO_USERS: Record<string, ApiKeyEntry> = {
  viewer: { userId: 'viewer_user', username: 'Viewer User', roles: ['viewer'], permissions: ['read:data'] },
  editor: { userId: 'editor_user', username: 'Editor User', roles: ['editor'], permissions: ['read:data', 'write:data'] },
  admin: { userId: 'admin_user', username: 'Admin User', roles: ['admin'], permissions: ['admin:all', 'read:data', 'write:data'], scopes: ['admin:full'] },
  analyst: { userId: 'analyst_user', username: 'Data Analyst', roles: ['data_analyst'], permissions: ['export:data'] },
};

/**
 * Declarative security: `manifest.yaml` says who may call which tool, loaded with
 * `PermissionManifest.load()` and given to the middleware. `keys` maps each API key to its holder.
 */
export async function createManifestServer(keys: Record<string, ApiKeyEntry>): Promise<NextMCP> {
  const manifest = await PermissionManifest.load(join(__dirname, 'manifest.yaml'));
  const mcp = new NextMCP({ name: 'Permission Manifest Example', version: '1.0.0' });
  mcp.register(DatabaseTools);
  mcp.use(createAuthMiddleware({ provider: new ApiKeyProvider({ keys }), manifest }));
  return mcp;
}
