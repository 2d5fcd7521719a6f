import type { Command } from 'commander';
import { dataDirOf } from '../context.js';
import { parsePort } from '../options.js';
import type { ServeOverrides } from '../../src/server/run.js';

export function registerServe(program: Command): void {
  program.command('serve')
    .description('run one server process in the foreground (what pm2 and systemd run)')
    .option('--http-port <n>', 'override the config\'s httpPort', parsePort)
    .option('--https-port <n>', 'override the config\'s httpsPort', parsePort)
    .option('--host <addr>', 'override the config\'s host')
    .action(async (flags: ServeOverrides, cmd: Command) => {
      // The server is loaded only by the commands that run it: administration stays quick.
      const { runUntilSignal } = await import('../../src/server/run.js');
      await runUntilSignal(dataDirOf(cmd.optsWithGlobals()), flags);
    });
}
