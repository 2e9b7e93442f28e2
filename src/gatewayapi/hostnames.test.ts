import { hostnameCovers, intersectHostnames } from './hostnames';

describe('hostnameCovers', () => {
  it.each([
    ['*', 'a.example.com', true],
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', '*.a.example.com', true],
    ['*.example.com', '*.example.com', true],
    ['a.example.com', 'b.example.com', false],
    ['*.example.com', 'aexample.com', false],
  ])('%s covers %s: %s', (pattern, host, want) => {
    expect(hostnameCovers(pattern, host)).toBe(want);
  });
});

describe('intersectHostnames', () => {
  it('takes the route hostnames under a listener without hostname', () => {
    expect(intersectHostnames(undefined, ['a.com', 'b.com'])).toEqual(['a.com', 'b.com']);
  });
  it('takes the listener hostname for a route without hostnames', () => {
    expect(intersectHostnames('a.com', undefined)).toEqual(['a.com']);
  });
  it('narrows a wildcard route hostname to the listener hostname', () => {
    expect(intersectHostnames('foo.example.com', ['*.example.com'])).toEqual(['foo.example.com']);
  });
  it('keeps route hostnames below a wildcard listener', () => {
    expect(intersectHostnames('*.example.com', ['a.example.com', 'other.org'])).toEqual(['a.example.com']);
  });
  it('is empty when nothing intersects', () => {
    expect(intersectHostnames('a.com', ['b.com'])).toEqual([]);
  });
  it('is any host when neither sets one', () => {
    expect(intersectHostnames(undefined, [])).toEqual(['*']);
  });
});
