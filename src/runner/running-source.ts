/**
 * What `attache serve` needs from a running change loop, whichever source feeds it: the errors
 * of the files it could not read (file source), the status write counters (Kubernetes source),
 * and a way to stop.
 */
import { type IssuerCounters } from './xds-client-issuer';
import type { SourceError } from '../sources/file/parse';
import type { StatusWriteCounters } from '../status/kubernetes-writer';
import type { ProvisionCounters } from './provision-applier';

export interface RunningSource {
  errors?: () => SourceError[];
  /** With the provisioner on, also its writes (`provisioned`). */
  statusWrites?: () => StatusWriteCounters & { leader: boolean; provisioned?: ProvisionCounters; xdsClientCertificates?: IssuerCounters };
  /** Under leader election only: whether this replica holds the Lease now. */
  leading?: () => boolean;
  stop(): Promise<void>;
}
