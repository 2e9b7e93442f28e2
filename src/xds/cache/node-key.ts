/**
 * Node → snapshot key policies (go-control-plane's `NodeHash`). The cache takes one as an
 * injected function, so the policy is the main program's choice, not the cache's.
 */
import type { Node__Output } from '../../generated/envoy/config/core/v3/Node';

/**
 * Maps a proxy's node (from the first request on its stream) to the key its snapshot is
 * stored under. Streams of nodes with equal keys share a snapshot.
 */
export type NodeKey = (node: Node__Output) => string;

/**
 * The default policy: the node's `cluster` (Envoy's `--service-cluster`), the same choice as
 * Envoy Gateway's `getNodeIDs`, so every replica of one gateway shares a snapshot.
 */
export function nodeKeyFromCluster(node: Node__Output): string {
  // The ADS loader decodes with `defaults: false`, so an unset field may be undefined at runtime.
  return node.cluster ?? '';
}
