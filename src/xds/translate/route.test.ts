import { fractionalPercent } from './route';

describe('fractionalPercent', () => {
  it.each([
    [50, { numerator: 50, denominator: 'HUNDRED' }],
    [12.5, { numerator: 1250, denominator: 'TEN_THOUSAND' }],
    [0.01, { numerator: 1, denominator: 'TEN_THOUSAND' }],
    [33.3333, { numerator: 333333, denominator: 'MILLION' }],
    [0.0001, { numerator: 1, denominator: 'MILLION' }],
    [14.28571428, { numerator: 142857, denominator: 'MILLION' }],
  ])('%s %% → %j', (percent, want) => {
    expect(fractionalPercent(percent)).toEqual(want);
  });
});
