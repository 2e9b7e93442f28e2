import { OutstandingResponses, type OutstandingResponse } from './outstanding-responses';

function response(version: string): OutstandingResponse {
  return { version, names: [], resources: [], removed: [], replacesAll: false };
}

describe('OutstandingResponses', () => {
  it('settles a response once, together with every older one', () => {
    const outstanding = new OutstandingResponses();
    for (const n of ['1', '2', '3']) outstanding.add(n, response(`v${n}`));
    expect(outstanding.take('2')?.version).toBe('v2');
    expect(outstanding.take('1')).toBeUndefined();
    expect(outstanding.take('2')).toBeUndefined();
    expect(outstanding.take('3')?.version).toBe('v3');
  });

  it('does not know a nonce it never recorded', () => {
    const outstanding = new OutstandingResponses();
    outstanding.add('1', response('v1'));
    expect(outstanding.take('7')).toBeUndefined();
    expect(outstanding.take('1')?.version).toBe('v1');
  });

  it('keeps only the 16 newest unanswered responses', () => {
    const outstanding = new OutstandingResponses();
    for (let n = 1; n <= 17; n++) outstanding.add(String(n), response(`v${n}`));
    expect(outstanding.take('1')).toBeUndefined();
    expect(outstanding.take('2')?.version).toBe('v2');
  });
});
