/**
 * Every backend the benchmark needs, started once for the whole run: one raw gRPC server per
 * bulk Service, bound to its 20 endpoint addresses (1,000 in total), answering every route's
 * path as the Service's name; and the two pods the endpoint-churn scenario swaps between.
 */
import { loopbackAddress } from '../test/harness/ports';
import { SERVICES, routePath, serviceName, servicePods } from './fixtures';
import { startRawBackend, type RawBackend } from './raw-grpc';

/** Route indexes the backends answer: the largest N, propagation samples and churn routes fit below. */
const MAX_ROUTE_INDEX = 6000;
export const CHURN_PATH = '/bench.Churn/Call';
export const BASE_PATH = '/bench.Base/Call';
/** The pods of svc-churn, on addresses of their own. */
export const CHURN_PODS = [
  { name: 'churn-a', address: loopbackAddress(3990) },
  { name: 'churn-b', address: loopbackAddress(3991) },
];

export interface BenchBackends {
  stop(): Promise<void>;
}

export async function startBenchBackends(): Promise<BenchBackends> {
  const paths = [...Array.from({ length: MAX_ROUTE_INDEX }, (_, i) => routePath(i)), CHURN_PATH, BASE_PATH];
  const started: RawBackend[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((b) => b.stop()));
  };
  try {
    for (let s = 0; s < SERVICES; s++) {
      started.push(
        await startRawBackend(
          serviceName(s),
          servicePods(s).map((p) => p.address),
          paths,
        ),
      );
    }
    for (const pod of CHURN_PODS) started.push(await startRawBackend(pod.name, [pod.address], [CHURN_PATH]));
  } catch (err) {
    await stop();
    throw err;
  }
  return { stop };
}
