/**
 * Which namespaces one local cluster serves (`--namespaces`). Tests that start a local cluster of
 * their own on the shared API server name their namespaces, so that Pods left Pending by earlier
 * tests (a Deployment with no kubelet around, hundreds of echo Pods) are not run, one after the
 * other, before theirs. Empty: every namespace, as a real node.
 */
export type NamespaceFilter = (namespace: string) => boolean;

export function namespaceFilter(list: string): NamespaceFilter {
  const names = new Set(
    list
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean),
  );
  return names.size === 0 ? () => true : (namespace) => names.has(namespace);
}
