/** A throwaway self-signed certificate for the simulated device's HTTPS, made with the `openssl` CLI. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CertificatePair {
  cert: string;
  key: string;
}

export async function selfSignedCertificate(commonName: string, altNames: string[] = ['IP:127.0.0.1', 'DNS:localhost']): Promise<CertificatePair> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hikvision-sim-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '825', '-subj', `/CN=${commonName.replace(/[/\\]/g, '-')}`,
      '-addext', `subjectAltName=${altNames.join(',')}`,
    ], { timeout: 30_000 });
    return { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`could not make a self-signed certificate with openssl (pass cert and key instead): ${reason}`, { cause: err });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
