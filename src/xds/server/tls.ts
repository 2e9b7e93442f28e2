/**
 * mTLS for the xDS server: the server's certificate and key, and the CA that every client
 * (Envoy) certificate must chain to, read from PEM files and re-read while the server runs.
 *
 * Why files that are polled: in Kubernetes the certificates come from a Secret volume, which the
 * kubelet updates in place (an atomic symlink swap) when the Secret is rotated, and inotify does
 * not see through that swap reliably. Reading three small files every few seconds does.
 *
 * Why not grpc-js' own FileWatcherCertificateProvider: it forwards whatever it reads, so a
 * half-written or mismatched pair during a rotation would make the server drop every new
 * connection until the next good read. This provider checks each new set with Node's TLS
 * (`tls.createSecureContext`: PEM parses, key matches certificate) and keeps serving the last
 * good set, logging why the new one was refused.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as tls from 'tls';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';

type CertificateProvider = grpc.experimental.CertificateProvider;
type CaListener = grpc.experimental.CaCertificateUpdateListener;
type IdentityListener = grpc.experimental.IdentityCertificateUpdateListener;

export interface XdsTlsFiles {
  /** PEM certificate (chain) the server presents to Envoy. */
  certFile: string;
  /** PEM private key of `certFile`. */
  keyFile: string;
  /** PEM bundle of the CA(s) a client certificate must chain to. */
  clientCaFile: string;
}

/** A file that cannot be read or does not hold what it should; `flag` names where it came from. */
export class XdsTlsError extends Error {}

interface LoadedSet {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
  /** Hash of the three contents, to notice a change without keeping old copies around. */
  digest: string;
}

function readOne(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new XdsTlsError(`${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Reads and checks one set; throws XdsTlsError saying which file is wrong and how. */
export function loadXdsTlsFiles(files: XdsTlsFiles): LoadedSet {
  const cert = readOne(files.certFile, 'xDS server certificate');
  const key = readOne(files.keyFile, 'xDS server key');
  const ca = readOne(files.clientCaFile, 'xDS client CA');
  if (!/-----BEGIN CERTIFICATE-----/.test(ca.toString('latin1'))) {
    throw new XdsTlsError(`xDS client CA ${files.clientCaFile}: no PEM certificate in it`);
  }
  try {
    tls.createSecureContext({ cert, key, ca });
  } catch (e) {
    throw new XdsTlsError(`xDS server certificate ${files.certFile} / key ${files.keyFile} / client CA ${files.clientCaFile}: ${(e as Error).message}`);
  }
  const digest = createHash('sha256').update(cert).update('\0').update(key).update('\0').update(ca).digest('hex');
  return { cert, key, ca, digest };
}

/**
 * A grpc-js CertificateProvider over `XdsTlsFiles`: serves the set read at construction (which
 * must be good: the constructor throws otherwise) and every later good set.
 */
export class XdsTlsFileProvider implements CertificateProvider {
  private current: LoadedSet;
  private readonly caListeners = new Set<CaListener>();
  private readonly identityListeners = new Set<IdentityListener>();
  private readonly timer: NodeJS.Timeout;
  private lastError: string | undefined;

  constructor(
    private readonly files: XdsTlsFiles,
    private readonly logger: Logger,
    refreshIntervalMs = 5000,
  ) {
    this.current = loadXdsTlsFiles(files);
    this.timer = setInterval(() => this.refresh(), refreshIntervalMs);
    this.timer.unref();
  }

  /** Re-reads the files; on a good change tells grpc-js, on a bad one keeps the last good set. */
  refresh(): void {
    let next: LoadedSet;
    try {
      next = loadXdsTlsFiles(this.files);
    } catch (e) {
      const message = (e as Error).message;
      // Once per distinct problem: a rotation in progress would otherwise log every interval.
      if (message !== this.lastError) this.logger.error({ err: message }, 'xDS TLS files not reloaded; still serving the previous certificate');
      this.lastError = message;
      return;
    }
    this.lastError = undefined;
    if (next.digest === this.current.digest) return;
    this.current = next;
    this.logger.info({ certFile: this.files.certFile }, 'xDS TLS certificate reloaded');
    for (const listener of this.caListeners) listener({ caCertificate: next.ca });
    for (const listener of this.identityListeners) listener({ certificate: next.cert, privateKey: next.key });
  }

  stop(): void {
    clearInterval(this.timer);
  }

  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    process.nextTick(listener, { caCertificate: this.current.ca });
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    process.nextTick(listener, { certificate: this.current.cert, privateKey: this.current.key });
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
  }
}

/**
 * Server credentials that demand a client certificate chaining to the CA (the TLS handshake
 * fails otherwise, before any xDS message), reloaded from `provider`.
 *
 * The same provider is passed as CA and identity provider on purpose: grpc-js 1.14's
 * `createCertificateProviderServerCredentials(ca, identity, ...)` hands its arguments to a
 * constructor that takes them as `(identity, ca, ...)`; one provider serving both roles is
 * correct whichever way round they end up.
 */
export function xdsServerCredentials(provider: XdsTlsFileProvider): grpc.ServerCredentials {
  return grpc.experimental.createCertificateProviderServerCredentials(provider, provider, true);
}
