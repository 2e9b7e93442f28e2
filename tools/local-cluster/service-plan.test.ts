import { type EndpointSlice, loadBalancerStatusPatch, planListeners, type Service } from './service-plan';

const svc = (name: string, spec: Service['spec']): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'ns' }, spec });
const slice = (service: string, ports: EndpointSlice['ports'], endpoints: EndpointSlice['endpoints']): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: `${service}-x`, namespace: 'ns', labels: { 'kubernetes.io/service-name': service } },
  addressType: 'IPv4',
  ports,
  endpoints,
});

describe('planListeners', () => {
  const lb = svc('gw', {
    type: 'LoadBalancer',
    clusterIP: '10.96.0.10',
    ports: [
      { name: 'http', port: 80 },
      { name: 'dns', port: 53, protocol: 'UDP' },
    ],
  });
  const slices = [
    slice(
      'gw',
      [{ name: 'http', port: 8080 }],
      [{ addresses: ['10.245.0.3'] }, { addresses: ['10.245.0.2'], conditions: { ready: true } }, { addresses: ['10.245.0.4'], conditions: { ready: false } }],
    ),
    slice('other', [{ name: 'http', port: 9 }], [{ addresses: ['10.245.0.9'] }]),
  ];

  it('listens on the load-balancer address and the ClusterIP of each TCP port, to the ready endpoints of the port', () => {
    const plan = planListeners([lb], slices, new Map([['ns/gw', '10.244.240.1']]), true);
    expect(plan.map((l) => [l.key, l.backends.map((b) => `${b.ip}:${b.port}`)])).toEqual([
      ['10.244.240.1:80', ['10.245.0.2:8080', '10.245.0.3:8080']],
      ['10.96.0.10:80', ['10.245.0.2:8080', '10.245.0.3:8080']],
    ]);
  });
  it('leaves out ClusterIPs when not asked, headless Services, and Services of another loadBalancerClass', () => {
    expect(planListeners([lb], slices, new Map([['ns/gw', '10.244.240.1']]), false).map((l) => l.key)).toEqual(['10.244.240.1:80']);
    expect(planListeners([svc('h', { clusterIP: 'None', ports: [{ port: 80 }] })], [], new Map(), true)).toEqual([]);
    const other = svc('gw', { ...lb.spec, loadBalancerClass: 'example.com/lb' });
    expect(planListeners([other], slices, new Map([['ns/gw', '10.244.240.1']]), false)).toEqual([]);
  });
  it('sends a Service with fixed backends there, whatever its slices say (the API server behind `kubernetes`)', () => {
    const api = svc('kubernetes', { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443 }] });
    const fixed = new Map([['ns/kubernetes', [{ ip: '127.0.0.1', port: 6443 }]]]);
    expect(planListeners([api], [], new Map(), true, fixed)).toEqual([
      { key: '10.96.0.1:443', ip: '10.96.0.1', port: 443, service: 'ns/kubernetes:https', backends: [{ ip: '127.0.0.1', port: 6443 }] },
    ]);
  });
  it('matches slice ports by name: an unnamed port to an unnamed one', () => {
    const s = svc('u', { clusterIP: '10.96.0.11', ports: [{ port: 80 }] });
    const plan = planListeners([s], [slice('u', [{ port: 3000 }], [{ addresses: ['10.244.1.1'] }])], new Map(), true);
    expect(plan[0].backends).toEqual([{ ip: '10.244.1.1', port: 3000 }]);
  });
});

describe('loadBalancerStatusPatch', () => {
  it('writes the ingress address once', () => {
    const s = svc('gw', { type: 'LoadBalancer' });
    expect(loadBalancerStatusPatch(s, '10.244.240.1')).toEqual({ status: { loadBalancer: { ingress: [{ ip: '10.244.240.1', ipMode: 'VIP' }] } } });
    expect(loadBalancerStatusPatch({ ...s, status: { loadBalancer: { ingress: [{ ip: '10.244.240.1' }] } } }, '10.244.240.1')).toBeUndefined();
  });

  it('empties the ingress of a Service whose requested loadBalancerIP cannot be given (no address rather than another)', () => {
    const s = svc('gw', { type: 'LoadBalancer', loadBalancerIP: '10.244.201.1' });
    expect(loadBalancerStatusPatch({ ...s, status: { loadBalancer: { ingress: [{ ip: '10.244.240.1' }] } } }, undefined)).toEqual({
      status: { loadBalancer: { ingress: [] } },
    });
    expect(loadBalancerStatusPatch(s, undefined)).toBeUndefined();
  });
});
