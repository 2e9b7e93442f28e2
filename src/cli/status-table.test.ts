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

  it('treats negative-polarity conditions as problems when True', () => {
    expect(isProblem({ ...ok('PartiallyInvalid') })).toBe(true);
    expect(isProblem({ ...ok('attache.dev/ProxyRejected') })).toBe(true);
    expect(isProblem({ ...ok('Accepted') })).toBe(false);
    expect(isProblem({ ...ok('Accepted'), status: 'False' })).toBe(true);
  });
});
