import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildState } from '../../bench/import/built-package';
import { IMPORT_CASES, importOnce, importTable, measureImports, summarizeImports, type ImportCase } from '../../bench/import/import-cost';

/*
 * The import group spawns fresh Node processes and reads their timings; these pin what each
 * process loads, the rotation, the arithmetic and the build check. No timing is asserted.
 */

const ROOT = join(__dirname, '..', '..');

describe('importOnce', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
    // Each module records that it was loaded, in a file named by the process, so the test sees what ran.
    writeFileSync(join(dir, 'a.js'), "require('fs').appendFileSync(__dirname + '/loaded-' + process.pid, 'a ');");
    writeFileSync(join(dir, 'b.js'), "require('fs').appendFileSync(__dirname + '/loaded-' + process.pid, 'b ');");
    writeFileSync(join(dir, 'lingers.js'), 'setInterval(() => undefined, 1000);');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('requires the modules in order in a fresh process, from the given directory', async () => {
    const sample = await importOnce(['./a.js', './b.js'], dir);
    expect(Number.isFinite(sample.requireMs)).toBe(true);
    expect(sample.processMs).toBeGreaterThanOrEqual(sample.requireMs);
    const logs = readdirSync(dir).filter((f) => f.startsWith('loaded-'));
    expect(logs).toHaveLength(1);
    expect(logs[0]).not.toBe(`loaded-${process.pid}`);
    expect(readFileSync(join(dir, logs[0]), 'utf8')).toBe('a b ');
  });

  it('ends the process even when a module leaves a timer running', async () => {
    await expect(importOnce(['./lingers.js'], dir)).resolves.toMatchObject({ requireMs: expect.any(Number) });
  });

  it('fails with the reason when a module cannot be loaded', async () => {
    await expect(importOnce(['./missing.js'], dir)).rejects.toThrow(/import of \.\/missing\.js failed: Error: Cannot find module/);
  });

  it('ignores NODE_OPTIONS of the bench process (a user’s process has no ts-node hooks)', async () => {
    const before = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = '--require ./does-not-exist.js';
    try {
      await expect(importOnce(['./a.js'], dir)).resolves.toMatchObject({ requireMs: expect.any(Number) });
    } finally {
      if (before === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = before;
    }
  });
});

describe('measureImports', () => {
  it('warms up once, then runs each case `runs` times with the order rotating every round', async () => {
    const cases: ImportCase[] = [
      { name: 'path', modules: ['node:path'] },
      { name: 'url', modules: ['node:url'] },
      { name: 'util', modules: ['node:util'] },
    ];
    const order: string[] = [];
    const results = await measureImports(cases, { runs: 2, cwd: ROOT, onRun: (c) => order.push(c.name) });
    expect(order).toEqual(['path', 'url', 'util', 'url', 'util', 'path']);
    expect(results.map((r) => [r.name, r.samples.length])).toEqual([
      ['path', 2],
      ['url', 2],
      ['util', 2],
    ]);
    expect(results[0].ratio).toBe(1);
  });

  it('measures the SDK’s stdio server against the nextmcp entry points by package name, and against itself (noise check)', () => {
    const sdk = ['@modelcontextprotocol/sdk/server/index.js', '@modelcontextprotocol/sdk/server/stdio.js'];
    expect(IMPORT_CASES.map((c) => c.modules)).toEqual([sdk, ['nextmcp'], ['nextmcp/auth'], ['nextmcp/session'], sdk]);
  });
});

describe('summarizeImports', () => {
  it('takes medians per case, and each case’s ratio as the median of its ratios to the first case round by round', () => {
    const cases: ImportCase[] = [
      { name: 'sdk', modules: ['a'] },
      { name: 'next', modules: ['b'] },
    ];
    // The machine slows down in round 2: the medians' ratio would be 390 / 200 = 1.95, the rounds' own ratios are 1.3.
    const results = summarizeImports(cases, [
      [100, 300, 200].map((requireMs) => ({ requireMs, processMs: requireMs + 50 })),
      [130, 390, 9000].map((requireMs) => ({ requireMs, processMs: requireMs + 50 })),
    ]);
    expect(results.map((r) => [r.requireMs, r.processMs, Number(r.ratio.toFixed(6))])).toEqual([
      [200, 250, 1],
      [390, 440, 1.3],
    ]);
    expect(importTable(results)).toContain('| next | 390 ms | 1.30× | 440 ms |');
    expect(importTable(results)).toContain('| sdk | 200 ms | baseline | 250 ms |');
  });
});

describe('buildState', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bench-build-'));
    mkdirSync(join(root, 'src', 'auth'), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{}');
    writeFileSync(join(root, 'src', 'auth', 'jwt.ts'), '');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const at = (file: string, seconds: number) => utimesSync(join(root, file), seconds, seconds);

  it('is missing without dist/index.js, stale when a source is newer, fresh otherwise', () => {
    expect(buildState(root)).toEqual({ state: 'missing' });
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', 'index.js'), '');
    at('package.json', 1000);
    at('src/auth/jwt.ts', 3000);
    at('dist/index.js', 2000);
    expect(buildState(root)).toEqual({ state: 'stale', newer: join('src', 'auth', 'jwt.ts') });
    at('dist/index.js', 4000);
    expect(buildState(root)).toEqual({ state: 'fresh' });
    at('package.json', 5000);
    expect(buildState(root)).toEqual({ state: 'stale', newer: 'package.json' });
  });
});
