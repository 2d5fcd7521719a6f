// Provisioning of an installation: data directory, config, database, TLS certificate,
// control token and the first admin. Everything is written into a fresh sibling directory
// and renamed into place at the end, so a failure halfway leaves nothing half-written.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { CONFIG_FILE, CONTROL_TOKEN_FILE, DB_FILE, ConfigSchema, renderConfig, type Config } from '../config/config.js';
import { openDb } from '../store/db.js';
import { UserStore } from '../auth/UserStore.js';
import { hashPasswordSync, newToken } from '../auth/secrets.js';
import { UserError } from '../errors.js';

export interface ProvisionOptions {
  dataDir: string;
  httpPort?: number;
  httpsPort?: number;
  tls?: 'self-signed' | 'none';
  certFile?: string;
  keyFile?: string;
  publicUrl?: string;
  host?: string;
  force?: boolean;
  adminUsername?: string;
}

export interface Provisioned {
  dataDir: string;
  config: Config;
  admin: { username: string; password: string };
}

export function isInstalled(dataDir: string): boolean {
  return existsSync(join(dataDir, CONFIG_FILE)) || existsSync(join(dataDir, DB_FILE));
}

export async function provision(o: ProvisionOptions): Promise<Provisioned> {
  const dataDir = resolve(o.dataDir);
  if (isInstalled(dataDir) && !o.force) {
    throw new UserError('ALREADY_INSTALLED', `An installation already exists at ${dataDir}; pass --force to replace it (its database is deleted).`);
  }
  if ((o.certFile === undefined) !== (o.keyFile === undefined)) {
    throw new UserError('BAD_TLS', '--cert and --key go together.');
  }
  if (o.certFile && o.tls === 'none') throw new UserError('BAD_TLS', '--cert/--key cannot be combined with --tls none.');
  let certPem: string | undefined, keyPem: string | undefined;
  if (o.certFile && o.keyFile) {
    try {
      certPem = readFileSync(o.certFile, 'utf8');
      keyPem = readFileSync(o.keyFile, 'utf8');
    } catch (e) {
      throw new UserError('BAD_TLS', `Cannot read the certificate or key: ${(e as Error).message}`);
    }
    if (!certPem.includes('BEGIN CERTIFICATE') || !/BEGIN (RSA |EC )?PRIVATE KEY/.test(keyPem)) {
      throw new UserError('BAD_TLS', 'The certificate or key is not a PEM file.');
    }
  }

  const mode = o.certFile ? 'files' : (o.tls ?? 'self-signed');
  const httpsPort = o.httpsPort ?? 8443;
  const httpPort = o.httpPort ?? 8080;
  const publicUrl = o.publicUrl ?? (mode === 'none' ? `http://localhost:${httpPort}` : `https://localhost:${httpsPort}`);
  const parsed = ConfigSchema.safeParse({
    host: o.host, httpPort, httpsPort, publicUrl,
    tls: { mode, ...(mode === 'files' ? { certFile: 'tls/cert.pem', keyFile: 'tls/key.pem' } : {}) },
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError('BAD_OPTION', `${issue.path.join('.')}: ${issue.message}`);
  }
  const config = parsed.data;

  mkdirSync(dirname(dataDir), { recursive: true });
  const staging = mkdtempSync(join(dirname(dataDir), `.${basename(dataDir)}.init-`));
  try {
    writeFileSync(join(staging, CONFIG_FILE), renderConfig(config), { mode: 0o600 });
    writeFileSync(join(staging, CONTROL_TOKEN_FILE), newToken() + '\n', { mode: 0o600 });
    if (mode !== 'none') {
      mkdirSync(join(staging, 'tls'), { mode: 0o700 });
      if (!certPem || !keyPem) ({ certPem, keyPem } = await selfSignedFor(publicUrl));
      writeFileSync(join(staging, 'tls', 'cert.pem'), certPem);
      writeFileSync(join(staging, 'tls', 'key.pem'), keyPem, { mode: 0o600 });
    }
    const db = openDb(join(staging, DB_FILE));
    // Password hashes and session hashes live here: owner-only, like the rest of the directory.
    chmodSync(join(staging, DB_FILE), 0o600);
    const password = randomBytes(12).toString('base64url');
    const adminUsername = o.adminUsername ?? 'admin';
    try {
      new UserStore(db).create({ username: adminUsername, displayName: 'Administrator', role: 'admin', passwordHash: hashPasswordSync(password) });
    } finally {
      db.close();
    }
    if (existsSync(dataDir)) {
      // --force (or an empty directory): move the old one aside, swap, then delete it.
      const old = `${staging}.old`;
      renameSync(dataDir, old);
      renameSync(staging, dataDir);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(staging, dataDir);
    }
    return { dataDir, config, admin: { username: adminUsername, password } };
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

async function selfSignedFor(publicUrl: string): Promise<{ certPem: string; keyPem: string }> {
  const host = new URL(publicUrl).hostname.replace(/^\[|\]$/g, '');
  const altNames: Array<{ type: 2; value: string } | { type: 7; ip: string }> = [
    { type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' },
  ];
  if (host !== 'localhost' && host !== '127.0.0.1' && host !== '::1') {
    altNames.push(isIP(host) ? { type: 7, ip: host } : { type: 2, value: host });
  }
  const notAfter = new Date();
  notAfter.setFullYear(notAfter.getFullYear() + 2);
  // Loaded here, not at the top: its crypto libraries cost every other classroomctl command
  // a third of a second to load, and only init needs them.
  const { default: selfsigned } = await import('selfsigned');
  const pems = await selfsigned.generate([{ name: 'commonName', value: host }], {
    keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private };
}

export function resolveInDataDir(dataDir: string, p: string): string {
  return isAbsolute(p) ? p : join(dataDir, p);
}
