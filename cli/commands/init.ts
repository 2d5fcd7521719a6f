import { Command, Option } from 'commander';
import { provision, type ProvisionOptions } from '../../src/install/provision.js';
import { dataDirOf, output } from '../context.js';
import { parsePort } from '../options.js';

export interface InitFlags {
  httpPort?: number; httpsPort?: number; tls?: 'self-signed' | 'none'; cert?: string; key?: string;
  publicUrl?: string; host?: string; force?: boolean; json?: boolean;
}

export function provisionOptions(dataDir: string, f: InitFlags): ProvisionOptions {
  return {
    dataDir, httpPort: f.httpPort, httpsPort: f.httpsPort, tls: f.tls, certFile: f.cert, keyFile: f.key,
    publicUrl: f.publicUrl, host: f.host, force: f.force,
  };
}

export function addInitOptions(cmd: Command): Command {
  return cmd
    .option('--http-port <n>', 'plain-HTTP port (redirects to HTTPS) (default: 8080)', parsePort)
    .option('--https-port <n>', 'HTTPS port (default: 8443)', parsePort)
    .addOption(new Option('--tls <mode>', 'self-signed certificate, or none behind a TLS proxy').choices(['self-signed', 'none']))
    .option('--cert <file>', 'PEM certificate to use instead of a self-signed one (with --key)')
    .option('--key <file>', 'PEM private key for --cert')
    .option('--public-url <url>', 'the URL people open (default: https://localhost:<https-port>)')
    .option('--host <addr>', 'address to listen on (default: 0.0.0.0)');
}

export function printAdmin(admin: { username: string; password: string }, stream = process.stdout): void {
  stream.write(`Admin account: ${admin.username}\nAdmin password: ${admin.password}\n(shown once: store it now, or change it with "classroomctl user passwd ${admin.username}")\n`);
}

export function registerInit(program: Command): void {
  addInitOptions(program.command('init').description('create an installation: config, database, TLS certificate, admin account'))
    .option('--force', 'replace an existing installation (deletes its database)')
    .option('--json', 'print the result as JSON')
    .action(async (flags: InitFlags, cmd: Command) => {
      const dataDir = dataDirOf(cmd.optsWithGlobals());
      const p = await provision(provisionOptions(dataDir, flags));
      output(flags.json, { dataDir: p.dataDir, publicUrl: p.config.publicUrl, admin: p.admin }, () => {
        printAdmin(p.admin);
        return `Installed at ${p.dataDir}\nStart it with: classroomctl serve --data-dir ${p.dataDir}`;
      });
    });
}
