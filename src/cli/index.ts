#!/usr/bin/env node
import { EXIT, runLoginCommand } from './login-command';
import { LOGIN_USAGE } from './login-args';

const USAGE = `nextmcp <command>

Commands:
  login <github|google>   log in through the browser and print or save the token

${LOGIN_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'login') return runLoginCommand(rest, { stdout: process.stdout, stderr: process.stderr, env: process.env });
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command === undefined ? EXIT.USAGE : EXIT.OK;
  }
  process.stderr.write(`Unknown command "${command}"\n\n${USAGE}`);
  return EXIT.USAGE;
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
