/**
 * The objects one Gateway's Envoys run as, in the Gateway's namespace, all named
 * provisionedName(gateway) (names.ts) and owned by the Gateway (so deleting it deletes them,
 * through the garbage collector):
 *
 *   ServiceAccount            the Pods' identity (no API token mounted: Envoy needs no API access)
 *   Deployment                stock Envoy; an init container runs the control plane's
 *                             `attache bootstrap`, writing the bootstrap (node.cluster =
 *                             "<namespace>/<name>", ADS over mTLS to the control plane) into an
 *                             emptyDir; readiness from Envoy's /ready
 *   Service                   the listener ports (ports.ts), type LoadBalancer by default
 *   PodDisruptionBudget       maxUnavailable 1: a drain never takes every Envoy at once, and never blocks
 *   HorizontalPodAutoscaler   only with parameters' envoy.autoscaling (then the Deployment
 *                             leaves `replicas` to it)
 *
 * The mTLS client certificate comes from the Secret xdsClientSecretName(gateway) in the
 * Gateway's namespace (tls.crt, tls.key, ca.crt), which must name this Gateway (a SAN, see
 * xds/server/authorization.ts): the control plane then serves these Envoys this Gateway only.
 * The stage only declares it (xds-client-secret.ts, no key material); the control plane's issuer
 * (runner/xds-client-issuer.ts) writes it when given a CA, else someone else must: until it
 * exists the Pods wait.
 *
 * Labels: ours (below) on every object and Pod, plus spec.infrastructure.labels; annotations:
 * spec.infrastructure.annotations on every object and Pod (and the parameters' Service
 * annotations on the Service). Ours win over the Gateway's where keys collide.
 */
import { type Gateway } from '../apis/gateway-api';
import { type KubernetesObject } from '../apis/meta';
import { type GatewayParametersSpec } from '../apis/parameters';
import { labelValue, provisionedName, xdsClientSecretName } from './names';
import { DEFAULT_ENVOY_IMAGE, type ProvisionOptions } from './options';
import { privilegedBind, provisionedPorts } from './ports';

/** A generated object: the envelope, and whatever its kind carries (spec, ...). */
export type ProvisionedObject = KubernetesObject & { metadata: { name: string; namespace: string } } & Record<string, unknown>;

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'attache';
export const NAME_LABEL = 'app.kubernetes.io/name';
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

const DEFAULT_REPLICAS = 2;
const DEFAULT_TARGET_CPU = 80;
const DEFAULT_LOG_LEVEL = 'warning';
const DEFAULT_RESOURCES = { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '256Mi' } };
/** Envoy's admin API: the Pod's loopback only (it can stop Envoy, so never on the Pod network). */
const ADMIN_PORT = 19000;
/** A listener of the bootstrap answering GET /ready (attache bootstrap --ready-address): the readiness probe. */
const READY_PORT = 19001;
/** The non-root user Envoy and the init container run as (distroless' nonroot). */
const RUN_AS = 65532;
const BOOTSTRAP_DIR = '/etc/envoy/bootstrap';
const XDS_TLS_DIR = '/etc/envoy/xds-tls';

/** The labels that select a Gateway's Envoy Pods (also on every object, with the Gateway's own). */
function selectorLabels(gateway: Gateway): Record<string, string> {
  return { [NAME_LABEL]: 'envoy', [MANAGED_BY_LABEL]: MANAGED_BY, [GATEWAY_NAME_LABEL]: labelValue(gateway.metadata.name) };
}

/** The envelope of every object provisioned for `gateway`: its name, namespace, labels, annotations and controlling owner. */
export function metadata(gateway: Gateway, extraAnnotations: Record<string, string> = {}): ProvisionedObject['metadata'] & Record<string, unknown> {
  const infra = gateway.spec.infrastructure;
  const annotations = { ...(infra?.annotations ?? {}), ...extraAnnotations };
  return {
    name: provisionedName(gateway.metadata.name),
    namespace: gateway.metadata.namespace ?? 'default',
    labels: { ...(infra?.labels ?? {}), ...selectorLabels(gateway) },
    ...(Object.keys(annotations).length ? { annotations } : {}),
    ownerReferences: [
      {
        apiVersion: gateway.apiVersion,
        kind: 'Gateway',
        name: gateway.metadata.name,
        uid: gateway.metadata.uid ?? '',
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
}

function serviceAccount(gateway: Gateway): ProvisionedObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(gateway), automountServiceAccountToken: false };
}

const RESTRICTED = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };

function envoyArgs(spec: GatewayParametersSpec): string[] {
  const envoy = spec.envoy ?? {};
  const args = ['-c', `${BOOTSTRAP_DIR}/envoy.yaml`, '--disable-hot-restart', '--log-level', envoy.logLevel ?? DEFAULT_LOG_LEVEL];
  if (envoy.bootstrap?.concurrency !== undefined) args.push('--concurrency', String(envoy.bootstrap.concurrency));
  if (envoy.bootstrap?.drainTimeSeconds !== undefined) args.push('--drain-time-s', String(envoy.bootstrap.drainTimeSeconds));
  return args;
}

function bootstrapArgs(gateway: Gateway, options: ProvisionOptions): string[] {
  const { host, port } = options.xdsAddress;
  return [
    'bootstrap',
    `--output=${BOOTSTRAP_DIR}/envoy.yaml`,
    `--gateway=${gateway.metadata.namespace ?? 'default'}/${gateway.metadata.name}`,
    '--node-id=$(POD_NAME)',
    `--xds=${host}:${port}`,
    `--xds-tls-cert=${XDS_TLS_DIR}/tls.crt`,
    `--xds-tls-key=${XDS_TLS_DIR}/tls.key`,
    `--xds-tls-ca=${XDS_TLS_DIR}/ca.crt`,
    `--xds-tls-server-name=${options.xdsServerName ?? host}`,
    // Envoy reloads the certificate and CA when the kubelet updates the Secret volume.
    '--xds-tls-reload',
    `--admin=127.0.0.1:${ADMIN_PORT}`,
    `--ready-address=0.0.0.0:${READY_PORT}`,
  ];
}

function deployment(gateway: Gateway, spec: GatewayParametersSpec, options: ProvisionOptions): ProvisionedObject {
  const envoy = spec.envoy ?? {};
  const ports = provisionedPorts(gateway, options.privilegedPortShift);
  const infra = gateway.spec.infrastructure;
  const podAnnotations = infra?.annotations ?? {};
  const envoySecurity = privilegedBind(ports) ? { ...RESTRICTED, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } : RESTRICTED;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(gateway),
    spec: {
      // With autoscaling the HorizontalPodAutoscaler sets replicas: server-side apply leaves a field we do not send to it.
      ...(envoy.autoscaling ? {} : { replicas: envoy.replicas ?? DEFAULT_REPLICAS }),
      selector: { matchLabels: selectorLabels(gateway) },
      template: {
        metadata: {
          labels: { ...(infra?.labels ?? {}), ...selectorLabels(gateway) },
          ...(Object.keys(podAnnotations).length ? { annotations: podAnnotations } : {}),
        },
        spec: {
          serviceAccountName: provisionedName(gateway.metadata.name),
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: RUN_AS, runAsGroup: RUN_AS, seccompProfile: { type: 'RuntimeDefault' } },
          ...(envoy.nodeSelector ? { nodeSelector: envoy.nodeSelector } : {}),
          ...(envoy.tolerations ? { tolerations: envoy.tolerations } : {}),
          initContainers: [
            {
              name: 'bootstrap',
              image: options.controlPlaneImage,
              args: bootstrapArgs(gateway, options),
              env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              volumeMounts: [
                { name: 'bootstrap', mountPath: BOOTSTRAP_DIR },
                { name: 'xds-tls', mountPath: XDS_TLS_DIR, readOnly: true },
              ],
              securityContext: RESTRICTED,
            },
          ],
          containers: [
            {
              name: 'envoy',
              image: envoy.image ?? DEFAULT_ENVOY_IMAGE,
              args: envoyArgs(spec),
              ports: [
                ...ports.map((p) => ({ name: p.name, containerPort: p.bindPort, protocol: 'TCP' })),
                { name: 'ready', containerPort: READY_PORT, protocol: 'TCP' },
              ],
              readinessProbe: { httpGet: { path: '/ready', port: READY_PORT }, periodSeconds: 5, failureThreshold: 3 },
              resources: envoy.resources ?? DEFAULT_RESOURCES,
              volumeMounts: [
                { name: 'bootstrap', mountPath: BOOTSTRAP_DIR, readOnly: true },
                { name: 'xds-tls', mountPath: XDS_TLS_DIR, readOnly: true },
              ],
              securityContext: envoySecurity,
            },
          ],
          volumes: [
            { name: 'bootstrap', emptyDir: {} },
            { name: 'xds-tls', secret: { secretName: xdsClientSecretName(gateway.metadata.name) } },
          ],
        },
      },
    },
  };
}

function service(gateway: Gateway, spec: GatewayParametersSpec, options: ProvisionOptions): ProvisionedObject {
  const type = spec.service?.type ?? 'LoadBalancer';
  const policy = type !== 'ClusterIP' ? spec.service?.externalTrafficPolicy : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(gateway, spec.service?.annotations),
    spec: {
      type,
      selector: selectorLabels(gateway),
      ports: provisionedPorts(gateway, options.privilegedPortShift).map((p) => ({ name: p.name, port: p.port, targetPort: p.bindPort, protocol: 'TCP' })),
      ...(policy ? { externalTrafficPolicy: policy } : {}),
      ...(type === 'LoadBalancer' && requestedIP(gateway) ? { loadBalancerIP: requestedIP(gateway) } : {}),
    },
  };
}

/**
 * The first IPAddress a Gateway asks for in spec.addresses, asked of the load balancer through
 * Service.spec.loadBalancerIP: deprecated in Kubernetes, yet the one field load balancers
 * (cloud providers, MetalLB, the local cluster's) read for a requested address. Whether it got
 * it is read back from the Service's ingress (gatewayapi: AddressNotUsable until it has it).
 */
function requestedIP(gateway: Gateway): string | undefined {
  return (gateway.spec.addresses ?? []).find((a) => (a.type ?? 'IPAddress') === 'IPAddress' && a.value)?.value;
}

function podDisruptionBudget(gateway: Gateway): ProvisionedObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadata(gateway),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(gateway) } },
  };
}

function horizontalPodAutoscaler(gateway: Gateway, autoscaling: NonNullable<NonNullable<GatewayParametersSpec['envoy']>['autoscaling']>): ProvisionedObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: metadata(gateway),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: provisionedName(gateway.metadata.name) },
      minReplicas: autoscaling.minReplicas ?? 1,
      maxReplicas: autoscaling.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.targetCPUUtilizationPercentage ?? DEFAULT_TARGET_CPU } },
        },
      ],
    },
  };
}

/** Every object for one Gateway, with its effective parameters (gatewayapi/parameters.ts). */
export function gatewayObjects(gateway: Gateway, spec: GatewayParametersSpec, options: ProvisionOptions): ProvisionedObject[] {
  const autoscaling = spec.envoy?.autoscaling;
  return [
    serviceAccount(gateway),
    service(gateway, spec, options),
    deployment(gateway, spec, options),
    podDisruptionBudget(gateway),
    ...(autoscaling ? [horizontalPodAutoscaler(gateway, autoscaling)] : []),
  ];
}
