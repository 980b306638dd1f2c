import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { checkBlocks, readMarkdown, SKIP_MARKER, typeScriptBlocks } from './readme-code';

/*
 * The README cannot drift from the API: every ```ts block in it is type-checked against the
 * source, the options table names every option of the public options types, and the examples
 * section names every example.
 */

const README = readMarkdown('README.md');

/** The options types the README's option table documents, by the file that declares them. */
const OPTION_TYPES: [file: string, type: string][] = [
  ['src/server/next-mcp.ts', 'NextMCPOptions'],
  ['src/server/http/http-options.ts', 'HttpServerOptions'],
  ['src/auth/auth-middleware-options.ts', 'AuthMiddlewareOptions'],
  ['src/auth/providers/jwt-provider.ts', 'JwtProviderBaseOptions'],
  ['src/auth/oauth/oauth-provider.ts', 'OAuthClientOptions'],
  ['src/auth/providers/github-oauth-provider.ts', 'GitHubOAuthProviderOptions'],
  ['src/auth/providers/google-oauth-provider.ts', 'GoogleOAuthProviderOptions'],
  ['src/session/base-session-store.ts', 'SessionStoreOptions'],
  ['src/session/memory-store.ts', 'MemorySessionStoreOptions'],
  ['src/session/file-store.ts', 'FileSessionStoreOptions'],
  ['src/session/redis-store.ts', 'RedisSessionStoreOptions'],
  ['src/auth/oauth/server-login.ts', 'ServerLoginOptions'],
];

describe('README.md', () => {
  it('compiles every TypeScript block against the source', () => {
    const blocks = typeScriptBlocks(README);
    expect(blocks.length).toBeGreaterThan(5);
    expect(checkBlocks(blocks)).toEqual([]);
  }, 60_000);

  it('would catch a block that no longer matches the API', () => {
    const markdown = [
      '```ts',
      "import { NextMCP } from 'nextmcp';",
      "const server = new NextMCP({ name: 'x' });",
      '```',
      SKIP_MARKER,
      '```ts',
      'this is not TypeScript at all',
      '```',
    ].join('\n');
    const blocks = typeScriptBlocks(markdown);
    expect(blocks).toHaveLength(1);
    expect(checkBlocks(blocks, 'sample.md')).toEqual([expect.stringMatching(/^sample\.md:3: [^]*Property 'version' is missing/)]);
  }, 60_000);

  it('has a row in the options table for every option of the public options types', () => {
    const table = section(README, 'Options');
    const program = ts.createProgram(
      OPTION_TYPES.map(([file]) => join(__dirname, '../..', file)),
      { strict: true, experimentalDecorators: true, skipLibCheck: true, noEmit: true },
    );
    const checker = program.getTypeChecker();
    const missing: string[] = [];
    for (const [file, name] of OPTION_TYPES) {
      const source = program.getSourceFile(join(__dirname, '../..', file))!;
      const declaration = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
      expect(declaration).toBeDefined();
      for (const property of checker.getPropertiesOfType(checker.getTypeAtLocation(declaration!))) {
        if (!table.includes(`\`${property.name}\``)) missing.push(`${name}.${property.name}`);
      }
    }
    expect(missing).toEqual([]);
  }, 60_000);

  it('lists every example of examples/auth', () => {
    const examples = join(__dirname, '../../examples/auth');
    const folders = readdirSync(examples).filter((name) => name !== 'shared' && statSync(join(examples, name)).isDirectory());
    const listed = section(README, 'Examples');
    expect(folders.filter((name) => !listed.includes(`examples/auth/${name}`))).toEqual([]);
  });
});

/** The text of the `## title` section. */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}
