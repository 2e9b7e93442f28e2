import type { Condition } from '../apis/meta';
import type { StatusEntry } from '../gatewayapi/status';
import { isProblem, statusTable } from './status-table';

const ok = (type: string): Condition => ({ type, status: 'True', reason: type, message: '', lastTransitionTime: 't' });

describe('attache status table', () => {
  it('names healthy conditions and spells out problems, per Gateway, listener and route parent', () => {
    const entries: StatusEntry[] = [
      {
        kind: 'Gateway',
        namespace: 'default',
        name: 'gw',
        status: {
          addresses: [{ type: 'IPAddress', value: '127.0.0.1' }],
          conditions: [ok('Accepted'), ok('Programmed')],
          listeners: [{ name: 'grpc', supportedKinds: [], attachedRoutes: 2, conditions: [ok('Accepted')] }],
        },
      },
      {
        kind: 'GRPCRoute',
        namespace: 'default',
        name: 'r',
        status: {
          parents: [
            {
              parentRef: { name: 'gw' },
              controllerName: 'attache.dev/gateway-controller',
              conditions: [
                ok('Accepted'),
                {
                  type: 'ResolvedRefs',
                  status: 'False',
                  reason: 'BackendNotFound',
                  message: 'spec.rules[0].backendRefs[0]: Service default/x not found',
                  lastTransitionTime: 't',
                },
              ],
            },
          ],
        },
      },
    ];
    expect(statusTable(entries).split('\n')).toEqual([
      'KIND        NAME                    CONDITIONS',
      'Gateway     default/gw              Accepted, Programmed [127.0.0.1]',
      '  listener  grpc                    Accepted (2 routes)',
      'GRPCRoute   default/r → default/gw  Accepted; ResolvedRefs=False (BackendNotFound): spec.rules[0].backendRefs[0]: Service default/x not found',
      '',
    ]);
  });

  it('lists each policy per ancestor, and under each route the policies in effect for it', () => {
    const route: StatusEntry = {
      kind: 'GRPCRoute',
      namespace: 'app',
      name: 'users',
      status: { parents: [{ parentRef: { namespace: 'app', name: 'gw' }, controllerName: 'c', conditions: [ok('Accepted')] }] },
    };
    const policy: StatusEntry = {
      kind: 'BackendTrafficPolicy',
      namespace: 'app',
      name: 'retry',
      status: {
        ancestors: [
          {
            ancestorRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'app', name: 'gw' },
            controllerName: 'c',
            conditions: [ok('Accepted')],
          },
          {
            ancestorRef: { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', namespace: 'app', name: 'gone' },
            controllerName: 'c',
            conditions: [
              {
                type: 'Accepted',
                status: 'False',
                reason: 'TargetNotFound',
                message: 'spec.targetRefs[1]: GRPCRoute app/gone not found',
                lastTransitionTime: 't',
              },
            ],
          },
        ],
      },
    };
    const policies = new Map([['GRPCRoute app/users', ['app/retry', 'app/users-service']]]);
    expect(statusTable([route, policy], policies).split('\n')).toEqual([
      'KIND                  NAME                            CONDITIONS',
      'GRPCRoute             app/users → app/gw              Accepted',
      '  policies                                            app/retry, app/users-service',
      'BackendTrafficPolicy  app/retry → Gateway app/gw      Accepted',
      'BackendTrafficPolicy  app/retry → GRPCRoute app/gone  Accepted=False (TargetNotFound): spec.targetRefs[1]: GRPCRoute app/gone not found',
      '',
    ]);
  });

  it('treats negative-polarity conditions as problems when True', () => {
    expect(isProblem({ ...ok('PartiallyInvalid') })).toBe(true);
    expect(isProblem({ ...ok('attache.dev/ProxyRejected') })).toBe(true);
    expect(isProblem({ ...ok('Accepted') })).toBe(false);
    expect(isProblem({ ...ok('Accepted'), status: 'False' })).toBe(true);
  });
});
