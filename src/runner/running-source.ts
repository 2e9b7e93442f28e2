/**
 * What `attache serve` needs from a running change loop, whichever source feeds it: the errors
 * of the files it could not read (file source), the status write counters (Kubernetes source),
 * and a way to stop.
 */
import type { SourceError } from '../sources/file/parse';
import type { StatusWriteCounters } from '../status/kubernetes-writer';

export interface RunningSource {
  errors?: () => SourceError[];
  statusWrites?: () => StatusWriteCounters & { leader: boolean };
  stop(): Promise<void>;
}
