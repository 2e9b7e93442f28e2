import { parseFlags, UsageError } from './flags';
import { PROVISION_FLAGS, provisionOptions } from './provision-flags';

const SPECS = [
  ...PROVISION_FLAGS,
  { name: 'controller-name', default: 'attache.dev/gateway-controller', description: '' },
  { name: 'port-shift', default: '10000', description: '' },
];
const parse = (argv: string[]) => provisionOptions(parseFlags(argv, SPECS, {}));

describe('the provisioner flags', () => {
  it("provision by default, dialling the chart Service, with serve's controller name and port shift", () => {
    expect(parse([])).toEqual({
      controllerName: 'attache.dev/gateway-controller',
      privilegedPortShift: 10000,
      xdsAddress: { host: 'attache.attache-system.svc', port: 18000 },
      xdsServerName: undefined,
      controlPlaneImage: expect.stringMatching(/^attache:\d+\.\d+\.\d+/),
    });
  });

  it('--provision=false turns it off; anything but true or false is refused', () => {
    expect(parse(['--provision=false'])).toBeUndefined();
    expect(parse(['--provision'])).toBeDefined();
    expect(() => parse(['--provision=no'])).toThrow(UsageError);
  });

  it('takes the address, server name and image given', () => {
    expect(
      parse(['--provision-xds-address', 'cp.ops.svc:9000', '--provision-xds-server-name', 'xds.example', '--provision-image', 'r/attache:1']),
    ).toMatchObject({
      xdsAddress: { host: 'cp.ops.svc', port: 9000 },
      xdsServerName: 'xds.example',
      controlPlaneImage: 'r/attache:1',
    });
  });
});
