// The classroomctl program: one commander command per file under commands/, one error
// handler here. Commands throw CliError (or UserError from the domain); nothing else exits.
import { Command, CommanderError } from 'commander';
import { CliError } from './CliError.js';
import { UserError } from '../src/errors.js';
import { ConfigError } from '../src/config/config.js';
import { DatabaseTooNewError } from '../src/store/migrations.js';
import { registerInit } from './commands/init.js';
import { registerServe } from './commands/serve.js';
import { registerUp } from './commands/up.js';
import { registerUser } from './commands/user.js';
import { registerRoom } from './commands/room.js';
import { registerDoctor } from './commands/doctor.js';

const program = new Command('classroomctl')
  .description('Run and administer a self-hosted classroom.')
  .option('--data-dir <dir>', 'installation directory (default: $CLASSROOM_HOME, else ~/.classroom)')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerInit(program);
registerUp(program);
registerServe(program);
registerUser(program);
registerRoom(program);
registerDoctor(program);

/** The one place that turns an error into a message on stderr and an exit code. */
function report(e: unknown): number {
  const say = (message: string, suggestion?: string) =>
    process.stderr.write(`classroomctl: ${message}${suggestion ? `\n  ${suggestion}` : ''}\n`);
  // Help and --version are successes; usage errors were already printed by commander.
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
  if (e instanceof CliError) { say(e.message, e.suggestion); return e.exitCode; }
  if (e instanceof UserError || e instanceof ConfigError || e instanceof DatabaseTooNewError) { say(e.message); return 1; }
  say(`unexpected error: ${(e as Error)?.stack ?? String(e)}`);
  return 70;
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.exitCode = report(e);
}
