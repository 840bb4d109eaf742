/** Entry point: `tsx --conditions=@lowbit/source src/cli.ts <command>` (pnpm bench / pnpm start). */
import { CommanderError } from 'commander';
import { createProgram } from './program.js';

// `pnpm bench ...` runs this inside apps/bench; pnpm records where the user typed the command in
// INIT_CWD, so results/ and relative --out paths land there, as the user expects.
if (process.env.INIT_CWD !== undefined && process.env.INIT_CWD !== '') process.chdir(process.env.INIT_CWD);

const COMMANDS = ['run', 'report', 'list', 'profile', 'help'];
const argv = [...process.argv];
// `lowbit-bench quick --quick` is short for `lowbit-bench run quick --quick` (the README's form).
if (argv.length > 2 && !argv[2].startsWith('-') && !COMMANDS.includes(argv[2])) argv.splice(2, 0, 'run');

const program = createProgram();
program.exitOverride();
try {
  await program.parseAsync(argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // commander has already printed its message (and help for --help, which exits 0).
    process.exitCode = error.exitCode;
  } else if (error instanceof Error) {
    process.stderr.write(`${error.name}: ${error.message}\n`);
    process.exitCode = /Usage|UnknownExperiment|NotImplemented/.test(error.name) ? 2 : 1;
  } else {
    throw error;
  }
}
