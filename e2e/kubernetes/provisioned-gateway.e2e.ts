/**
 * Issue 16's "Done when", on the local cluster: `kubectl apply` of a Gateway and a GRPCRoute
 * gives a working proxy with nothing else done by hand. The control plane (mTLS xDS on the
 * node's addresses, the provisioner on, and a CA to issue with) provisions the Gateway's Envoys
 * and issues their xDS client certificate (Secret attache-gw-xds, runner/xds-client-issuer.ts);
 * the local cluster (tools/local-cluster, --gateway-proxies=false) runs the provisioned Pod
 * (`attache bootstrap` init container, stock Envoy) in a network namespace of its own and gives
 * its LoadBalancer Service an address; the Envoy connects, the Gateway turns Programmed=True
 * with that address in status.addresses, and a gRPC call to it reaches the echo backend.
 */
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { backendsFromEndpointSlices, callEcho, type EchoBackends, freePort, startEchoBackends, type TrackedProcess, waitFor } from '../../test/harness';
import { apply, condition, get, kubectl, type RunningKubernetesControlPlane, startKubernetesControlPlane } from '../../test/harness/kubernetes';
import { issueCertificate, makeCertificateAuthority } from '../../test/support/certificates';
import { gateway, gatewayClass, grpcRoute, namespace, type Scope, service } from './fixtures';
import { startLocalCluster } from './local-cluster';

const S: Scope = { namespace: 'e2e-provisioned-gateway', gatewayClass: 'e2e-provisioned-gateway', controllerName: 'attache.dev/e2e-provisioned-gateway' };
const SERVER_NAME = 'attache-xds.e2e.test';
const READY_TIMEOUT_MS = 120_000;

describe('a provisioned Gateway on the local cluster: apply, wait for Programmed, call the address', () => {
  let cluster: TrackedProcess | undefined;
  let cp: RunningKubernetesControlPlane | undefined;
  let backends: EchoBackends | undefined;
  let workDir: string;

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attache-provisioned-gateway-'));
    cluster = await startLocalCluster(workDir, [S.namespace]);
  });

  afterAll(async () => {
    await kubectl(['delete', 'namespace', S.namespace, '--wait=false']).catch(() => undefined);
    await cp?.stop();
    await backends?.stop();
    await cluster?.stop(20_000);
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('issues the Envoys their certificate, runs them, and serves gRPC on the Gateway address', async () => {
    // The control plane's xDS certificate and the CA that also issues the Envoys' (as the chart's).
    const ca = await makeCertificateAuthority('e2e provisioned xDS CA');
    const server = await issueCertificate([SERVER_NAME], { ca });
    const files = Object.fromEntries(['tls.crt', 'tls.key', 'ca.crt', 'ca.key'].map((f) => [f, path.join(workDir, `xds-${f}`)]));
    fs.writeFileSync(files['tls.crt'], server.certPem);
    fs.writeFileSync(files['tls.key'], server.keyPem);
    fs.writeFileSync(files['ca.crt'], ca.certPem);
    fs.writeFileSync(files['ca.key'], ca.keyPem);
    const xdsPort = await freePort();
    cp = await startKubernetesControlPlane({
      controllerName: S.controllerName,
      defaultAddress: '0.0.0.0',
      tls: { certFile: files['tls.crt'], keyFile: files['tls.key'], clientCaFile: files['ca.crt'] },
      extraArgs: [
        // Pods reach the node's processes at the bridge address (10.245.0.1).
        '--xds-address',
        `0.0.0.0:${xdsPort}`,
        '--provision=true',
        '--provision-xds-address',
        `10.245.0.1:${xdsPort}`,
        '--provision-xds-server-name',
        SERVER_NAME,
        '--provision-image',
        'attache:dev',
        '--xds-issuer-ca-cert',
        files['ca.crt'],
        '--xds-issuer-ca-key',
        files['ca.key'],
      ],
    });
    const services = service(S, 'echo', 42, 1);
    backends = await startEchoBackends(backendsFromEndpointSlices(services));

    // What a user does (seed 000): apply a Gateway and a GRPCRoute (and the backend's Service).
    await apply([
      namespace(S.namespace),
      gatewayClass(S.gatewayClass, S.controllerName),
      gateway(S, 'gw'),
      ...services,
      grpcRoute(S, 'app', 'gw', 'app.example.com', { Echo: 'echo' }),
    ]);

    // The issued Secret: owned by the Gateway, its certificate naming that Gateway only.
    const secret = await waitFor(async () => get('secret', 'attache-gw-xds', S.namespace).catch(() => undefined), {
      timeoutMs: 30_000,
      description: 'Secret attache-gw-xds issued',
    });
    const uid = ((await get('gateway', 'gw', S.namespace)).metadata as { uid?: string }).uid;
    expect((secret.metadata as { ownerReferences?: unknown }).ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Gateway', name: 'gw', uid, controller: true }),
    ]);
    const data = (secret as unknown as { data: Record<string, string> }).data;
    const cert = new X509Certificate(Buffer.from(data['tls.crt'], 'base64'));
    expect(cert.subjectAltName).toBe(`URI:spiffe://cluster.local/ns/${S.namespace}/gateway/gw`);
    expect(cp.proc.logs()).not.toMatch(/PRIVATE KEY/);

    // kubectl wait --for=condition=Programmed: True once the provisioned Envoy ACKed, with the Service's address.
    const programmed = await waitFor(
      async () => {
        const g = await get('gateway', 'gw', S.namespace);
        return condition(g.status?.conditions, 'Programmed')?.status === 'True' ? g : undefined;
      },
      { timeoutMs: READY_TIMEOUT_MS, intervalMs: 500, description: 'Gateway Programmed=True (provisioned Envoy connected and ACKed)' },
    );
    const addresses = (programmed.status as { addresses?: Array<{ type: string; value: string }> }).addresses ?? [];
    const lb = (await get('service', 'attache-gw', S.namespace)) as unknown as { status?: { loadBalancer?: { ingress?: Array<{ ip: string }> } } };
    const ingress = lb.status?.loadBalancer?.ingress?.[0]?.ip;
    expect(ingress).toMatch(/^10\.244\.240\./);
    expect(addresses).toEqual([{ type: 'IPAddress', value: ingress }]);

    // Call the address.
    const answer = await waitFor(
      async () => {
        const r = await callEcho({ target: `${ingress}:80`, authority: 'app.example.com', method: 'Echo', freshConnection: true });
        return r.code === 0 ? r : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, description: 'a gRPC call through the provisioned Envoy' },
    );
    expect(answer).toMatchObject({ pod: 'echo-pod-1', namespace: S.namespace });
    expect(await cp.statusWrites()).toMatchObject({ xdsClientCertificates: { issued: 1, failed: 0 } });
  });
});
