import { ContainerLog } from './container-logs';

describe('ContainerLog', () => {
  it('keeps whole lines, filters by sinceTime and tailLines, and adds timestamps on request', () => {
    const log = new ContainerLog();
    log.write('Starting server\nEcho', new Date('2026-01-01T00:00:00Z'));
    log.write('ing back request made to /mirror to client\n', new Date('2026-01-01T00:00:05Z'));
    expect(log.read({})).toBe('Starting server\nEchoing back request made to /mirror to client\n');
    expect(log.read({ sinceTime: new Date('2026-01-01T00:00:01Z') })).toBe('Echoing back request made to /mirror to client\n');
    expect(log.read({ tailLines: 1, timestamps: true })).toBe('2026-01-01T00:00:05.000Z Echoing back request made to /mirror to client\n');
  });

  it('drops the oldest lines past its bound', () => {
    const log = new ContainerLog(2);
    log.write('a\nb\nc\n', new Date(0));
    expect(log.read({})).toBe('b\nc\n');
  });
});
