import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '../..');

/** A fenced ```ts block of a markdown file. */
export interface CodeBlock {
  /** 1-based line of the block's first code line in the markdown. */
  line: number;
  code: string;
}

/** Put on the line before a block that is deliberately a fragment; such blocks are not compiled. */
export const SKIP_MARKER = '<!-- not compiled: fragment -->';

/** The ```ts / ```typescript blocks of `markdown`, except those marked with `SKIP_MARKER`. */
export function typeScriptBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    if (!/^```(ts|typescript)\b/.test(lines[i])) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end].startsWith('```')) end += 1;
    const previous = lines.slice(0, i).reverse().find((l) => l.trim() !== '');
    if (previous?.trim() !== SKIP_MARKER) blocks.push({ line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return blocks;
}

/**
 * Names a README block may use without declaring them: the server and providers a reader has from
 * the sections before (their types come from the source, so a block still fails when the API drifts).
 * Each block is its own module, so a block that declares one of these names shadows it.
 */
const PRELUDE = `
import type { NextMCP } from 'nextmcp';
import type { GitHubOAuthProvider, GoogleOAuthProvider, JwtProvider } from 'nextmcp/auth';
import type { SessionStore } from 'nextmcp/session';
declare global {
  const mcp: NextMCP;
  const github: GitHubOAuthProvider;
  const google: GoogleOAuthProvider;
  const jwt: JwtProvider;
  const sessions: SessionStore;
  const token: string;
}
export {};
`;

/**
 * Type-checks each block against the source (`nextmcp` → `src/index.ts`, `nextmcp/x` →
 * `src/x/index.ts`), with the project's compiler options and top-level await allowed. Resolves to
 * one message per error, located in the markdown file.
 */
export function checkBlocks(blocks: CodeBlock[], markdownName = 'README.md'): string[] {
  const configPath = join(ROOT, 'tsconfig.json');
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, dirname(configPath));
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    module: ts.ModuleKind.ES2022, // top-level await, as in a user's ESM entry point
    types: ['node'],
    baseUrl: ROOT,
    paths: { nextmcp: ['src/index.ts'], 'nextmcp/*': ['src/*/index.ts'] },
  };
  const virtual = new Map<string, string>();
  const where = new Map<string, CodeBlock>();
  virtual.set(join(ROOT, '.readme-blocks', 'prelude.ts'), PRELUDE);
  for (const block of blocks) {
    const file = join(ROOT, '.readme-blocks', `line-${block.line}.ts`);
    // `export {}` makes a block without imports a module of its own too.
    virtual.set(file, `${block.code}\nexport {};\n`);
    where.set(file, block);
  }
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => virtual.has(name) || fileExists.call(host, name);
  host.readFile = (name) => virtual.get(name) ?? readFile.call(host, name);
  host.getSourceFile = (name, language, ...rest) => {
    const text = virtual.get(name);
    return text !== undefined ? ts.createSourceFile(name, text, language, true) : getSourceFile.call(host, name, language, ...rest);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && where.has(d.file.fileName))
    .map((d) => {
      const block = where.get(d.file!.fileName)!;
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${markdownName}:${block.line + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

export function readMarkdown(name: string): string {
  return readFileSync(join(ROOT, name), 'utf8');
}
