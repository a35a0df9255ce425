// The `omni-embed` command (package.json bin → dist/node/cli.js).
import { OmniEmbedError } from '../errors';
import { CliUsageError } from '../node/errors';
import { parseIndexArgs, USAGE } from './args';
import { runIndex } from './index-command';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'index') {
    const summary = await runIndex(parseIndexArgs(rest));
    return summary.interrupted ? 130 : 0;
  }
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  throw new CliUsageError(`unknown command "${command}"\n${USAGE}`);
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err: unknown) => {
  if (err instanceof OmniEmbedError) process.stderr.write(`omni-embed: ${err.name} (${err.code}): ${err.message}\n`);
  else process.stderr.write(`omni-embed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = err instanceof CliUsageError ? 2 : 1;
});
