// `npm run example -- NAME [--serve]`: runs examples/auth/NAME (the seed's names work too, e.g. github_oauth_server.py).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunExample } from './shared/example';

const examples = readdirSync(__dirname).filter((name) => name !== 'shared' && statSync(join(__dirname, name)).isDirectory());
const [requested, ...flags] = process.argv.slice(2);
const name = requested?.replace(/\.py$/, '').replace(/_/g, '-');

if (!name || !examples.includes(name)) {
  console.error(`${requested ? `No example "${requested}". ` : ''}Usage: npm run example -- NAME [--serve]\n\nExamples:\n${examples.map((e) => `  ${e}`).join('\n')}`);
  process.exit(2);
}

const { runExample } = require(`./${name}`) as { runExample: RunExample };
runExample({ serve: flags.includes('--serve') }).then(
  (report) => {
    // Serving examples return an empty report and keep running until Ctrl-C.
    if (Object.keys(report).length > 0) process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
