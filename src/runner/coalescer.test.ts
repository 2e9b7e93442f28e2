import { Coalescer } from './coalescer';

describe('Coalescer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs once after a burst goes quiet', () => {
    const run = jest.fn();
    const c = new Coalescer({ quietMs: 10, maxDelayMs: 100 }, run);
    c.notify();
    jest.advanceTimersByTime(5);
    c.notify();
    jest.advanceTimersByTime(9);
    expect(run).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('does not let a steady stream of changes delay a rebuild past maxDelayMs', () => {
    const run = jest.fn();
    const c = new Coalescer({ quietMs: 10, maxDelayMs: 30 }, run);
    for (let t = 0; t < 30; t += 5) {
      c.notify();
      jest.advanceTimersByTime(5);
    }
    expect(run).toHaveBeenCalledTimes(1);
  });
});
