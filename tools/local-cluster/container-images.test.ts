import { imageKind, imageRepository, localCommand } from './container-images';

const programs = { envoy: '/bin/envoy', attache: '/repo/bin/attache.js', controlPlaneImages: ['attache'] };

describe('imageRepository', () => {
  it('drops registry, tag and digest', () => {
    expect(imageRepository('envoyproxy/envoy:v1.36.2')).toBe('envoyproxy/envoy');
    expect(imageRepository('docker.io/envoyproxy/envoy-distroless:v1.36@sha256:abc')).toBe('envoyproxy/envoy-distroless');
    expect(imageRepository('localhost:5000/attache:0.1.0')).toBe('attache');
    expect(imageRepository('ghcr.io/org/attache')).toBe('org/attache');
  });
});

describe('imageKind', () => {
  it('knows Envoy, the control plane (by repository or last segment) and echo-basic', () => {
    expect(imageKind('envoyproxy/envoy:v1.36.2', programs)).toBe('envoy');
    expect(imageKind('envoyproxy/envoy-distroless:v1.36.2', programs)).toBe('envoy');
    expect(imageKind('ghcr.io/org/attache:1.0', programs)).toBe('control-plane');
    expect(imageKind('gcr.io/k8s-staging-gateway-api/echo-basic:v20240412-v1.0.0', programs)).toBe('echo-basic');
    expect(imageKind('nginx:1.27', programs)).toBe('unknown');
    expect(imageKind('envoyproxy/envoyish', programs)).toBe('unknown');
  });
});

describe('localCommand', () => {
  it("runs Envoy's default command when neither command nor args are set", () => {
    expect(localCommand({ image: 'envoyproxy/envoy:v1' }, programs)).toEqual({ argv: ['/bin/envoy', '-c', '/etc/envoy/envoy.yaml'] });
  });
  it('gives args starting with - to envoy, as the image entrypoint does', () => {
    expect(localCommand({ image: 'envoyproxy/envoy:v1', args: ['-c', '/b/envoy.yaml'] }, programs)).toEqual({ argv: ['/bin/envoy', '-c', '/b/envoy.yaml'] });
    expect(localCommand({ image: 'envoyproxy/envoy:v1', args: ['envoy', '--version'] }, programs)).toEqual({ argv: ['/bin/envoy', '--version'] });
  });
  it('replaces the entrypoint with command, and appends args', () => {
    expect(localCommand({ image: 'envoyproxy/envoy:v1', command: ['envoy'], args: ['--mode', 'validate'] }, programs)).toEqual({
      argv: ['/bin/envoy', '--mode', 'validate'],
    });
    expect(localCommand({ image: 'envoyproxy/envoy:v1', command: ['/usr/local/bin/envoy', '-c', 'x'] }, programs)).toEqual({ argv: ['/bin/envoy', '-c', 'x'] });
  });
  it('refuses programs the image would have but we do not', () => {
    expect(localCommand({ image: 'envoyproxy/envoy:v1', command: ['sh', '-c', 'envoy'] }, programs)).toEqual({ error: expect.stringContaining('"sh"') });
    expect(localCommand({ image: 'attache:1', command: ['cat'] }, programs)).toEqual({ error: expect.stringContaining('"cat"') });
    expect(localCommand({ image: 'nginx' }, programs)).toEqual({ error: expect.stringContaining('nginx') });
  });
  it("runs the control plane's image as bin/attache.js with the args", () => {
    expect(localCommand({ image: 'attache:0.1.0', args: ['bootstrap', '--output=/x'] }, programs)).toEqual({
      argv: ['/repo/bin/attache.js', 'bootstrap', '--output=/x'],
    });
    expect(localCommand({ image: 'attache:0.1.0', command: ['attache'], args: ['serve'] }, programs)).toEqual({ argv: ['/repo/bin/attache.js', 'serve'] });
  });
});
