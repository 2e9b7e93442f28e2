import { parseDuration, ruleTimeouts } from './httproute-timeouts';

describe('parseDuration (GEP-2257)', () => {
  it('reads the Gateway API duration forms', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('0s')).toBe(0);
  });
  it('refuses what is not one', () => {
    for (const bad of ['1.5s', '10', '-1s', '1d', '']) expect(parseDuration(bad)).toBeUndefined();
  });
});

describe('ruleTimeouts', () => {
  it('keeps the timeouts that are set; 0s turns one off', () => {
    expect(ruleTimeouts({ timeouts: { request: '2s', backendRequest: '500ms' } }, 'spec.rules[0]')).toEqual({
      timeouts: { requestMs: 2000, backendRequestMs: 500 },
      issues: [],
    });
    expect(ruleTimeouts({ timeouts: { request: '0s' } }, 'spec.rules[0]')).toEqual({ timeouts: undefined, issues: [] });
    expect(ruleTimeouts({}, 'spec.rules[0]')).toEqual({ timeouts: undefined, issues: [] });
  });
  it('names the field of a bad value, and a backend timeout longer than the request one', () => {
    expect(ruleTimeouts({ timeouts: { request: 'soon' } }, 'spec.rules[1]').issues[0]).toMatchObject({ field: 'spec.rules[1].timeouts.request' });
    expect(ruleTimeouts({ timeouts: { request: '1s', backendRequest: '2s' } }, 'spec.rules[0]').issues[0]).toMatchObject({
      field: 'spec.rules[0].timeouts.backendRequest',
    });
  });
});
