#!/usr/bin/env node
import { createRequire } from 'node:module';
import { embedCommand } from './cli/embed-command.js';
import { evalCommand } from './cli/eval-command.js';
import { indexCommand } from './cli/index-command.js';
import { kmeansCommand } from './cli/kmeans-command.js';
import { learnCommand } from './cli/learn-command.js';
import { mapCommand } from './cli/map-command.js';
import { searchCommand } from './cli/search-command.js';
import { serveCommand } from './cli/serve-command.js';
import { tsneCommand } from './cli/tsne-command.js';
import { LookalikeError, errorMessage } from './core/errors.js';

const HELP = `lookalike: image similarity search

Usage:
  lookalike index <folder>     embed every image under <folder> into the database
  lookalike search <image>     the most similar indexed images
  lookalike serve [folder]     index a folder (if given) and serve search, the map and the browser app
  lookalike embed <image>      print one image's vector
  lookalike eval <folder>      retrieval quality on a folder labelled by sub-folder names
  lookalike learn              learn a projection head from the folder labels; search uses it
  lookalike map                cluster and lay out every indexed image: the map (k-means + t-SNE)
  lookalike tsne               2-D t-SNE layout of the rows of a .npy matrix
  lookalike kmeans             cluster the rows of a .npy matrix (k-means), labels to a .npy
  lookalike <command> --help   options of a command

The database is data/lookalike.db unless --db or $LOOKALIKE_DB says otherwise.
Environment: LOOKALIKE_DB, LOOKALIKE_THREADS (inference threads, default: all cores),
LOOKALIKE_EXECUTION_PROVIDER (cpu or cuda), LOOKALIKE_MODEL_CACHE (converted models,
default: models/ beside the database), LOOKALIKE_ADMIN_TOKEN (turns on the server's admin routes).

Exit status: 0 success, 1 error, 2 bad usage, 130 interrupted.`;

const COMMANDS = new Map<string, (argv: string[]) => Promise<number>>([
  ['index', indexCommand],
  ['search', searchCommand],
  ['serve', serveCommand],
  ['embed', embedCommand],
  ['eval', evalCommand],
  ['learn', learnCommand],
  ['map', mapCommand],
  ['tsne', tsneCommand],
  ['kmeans', kmeansCommand],
]);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    const pkg = createRequire(import.meta.url)('../package.json') as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const run = COMMANDS.get(command);
  if (!run) throw new LookalikeError('BAD_ARGUMENT', `unknown command "${command}"; see lookalike --help`);
  return run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`lookalike: ${errorMessage(err)}\n`);
    if (!(err instanceof LookalikeError)) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    process.exitCode = err instanceof LookalikeError && err.code === 'BAD_ARGUMENT' ? 2 : 1;
  },
);
