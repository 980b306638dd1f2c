import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/*
 * `npm run docs` builds the API reference with TypeDoc from the package's entry points, and fails
 * on any warning (typedoc.json: treatWarningsAsErrors): a public name without TSDoc, a public type
 * that is not exported, a broken link. Checked here without writing the HTML.
 */
describe('API reference (npm run docs)', () => {
  it('documents every public name: TypeDoc finds nothing to warn about', () => {
    const root = join(__dirname, '../..');
    const run = spawnSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--emit', 'none'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(output.split('\n').filter((line) => /warning|error/i.test(line) && !/Found 0 errors and 0 warnings/.test(line))).toEqual([]);
    expect(run.status).toBe(0);
  }, 120_000);
});
