/**
 * A throw-away PKI for TLS tests, made with the `openssl` CLI at test time: a CA, a server
 * certificate for 127.0.0.1/localhost and a client certificate (mTLS), all in a temp dir.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  /** File paths. */
  caCertPath: string;
  serverKeyPath: string;
  serverCertPath: string;
  clientKeyPath: string;
  clientCertPath: string;
  /** PEM contents. */
  caCert: string;
  serverKey: string;
  serverCert: string;
  clientKey: string;
  clientCert: string;
  cleanup(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function issue(dir: string, name: string, cn: string, ext: string): void {
  openssl(dir, ['req', '-new', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    `${name}.crt`,
    '-extfile',
    `${name}.ext`,
  ]);
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'podlog-pki-'));
  openssl(dir, [
    'req',
    '-x509',
    ...EC,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=podlog-test-ca',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  issue(
    dir,
    'server',
    '127.0.0.1',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  );
  issue(dir, 'client', 'podlog-client', 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
  const p = (f: string) => join(dir, f);
  const r = (f: string) => readFileSync(p(f), 'utf8');
  return {
    dir,
    caCertPath: p('ca.crt'),
    serverKeyPath: p('server.key'),
    serverCertPath: p('server.crt'),
    clientKeyPath: p('client.key'),
    clientCertPath: p('client.crt'),
    caCert: r('ca.crt'),
    serverKey: r('server.key'),
    serverCert: r('server.crt'),
    clientKey: r('client.key'),
    clientCert: r('client.crt'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
