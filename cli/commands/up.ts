import type { Command } from 'commander';
import { dataDirOf } from '../context.js';
import { addInitOptions, printAdmin, provisionOptions, type InitFlags } from './init.js';
import { isInstalled, provision } from '../../src/install/provision.js';

export function registerUp(program: Command): void {
  addInitOptions(program.command('up').description('initialise on first run, then serve in the foreground'))
    .action(async (flags: InitFlags, cmd: Command) => {
      const dataDir = dataDirOf(cmd.optsWithGlobals());
      if (!isInstalled(dataDir)) {
        const p = await provision(provisionOptions(dataDir, flags));
        process.stdout.write(`Provisioned a new classroom at ${p.dataDir}\n`);
        printAdmin(p.admin);
      }
      const { runUntilSignal } = await import('../../src/server/run.js');
      await runUntilSignal(dataDir, { httpPort: flags.httpPort, httpsPort: flags.httpsPort, host: flags.host });
    });
}
