/**
 * What a request's answer to an earlier response means (xds_protocol "ACK and NACK
 * semantics"): a NACK if it carries `error_detail`, the only reliable signal, otherwise an ACK.
 * Each written response is settled once; the subscription's bookkeeping is updated and the
 * callbacks are told (ACKs feed convergence tracking, NACKs the proxy-rejection status).
 */
import type { Logger } from 'pino';
import type { Status__Output } from '../../generated/google/rpc/Status';
import { SHORT_NAME, TypeUrl } from '../resources';
import type { CallbackInvoker, NackErrorDetail, NodeStreamEvent } from './callbacks';
import type { OutstandingResponse } from './outstanding-responses';
import type { TypeSubscription } from './subscription';
import { nackDetail } from './wire';

/** What settling needs of the stream the request arrived on. */
export interface SettlingStream {
  log: Logger;
  callbacks: CallbackInvoker;
  /** The identified node's event fields (settling happens only after the first request). */
  nodeEvent(): NodeStreamEvent;
  /** Called on a CDS NACK: rejected clusters will never ask for their endpoints. */
  clustersRejected(): void;
}

/**
 * Settles the response `nonce` answers.
 * @param clientVersion SotW `version_info` (what the client runs); Delta has none.
 */
export function settleResponse(stream: SettlingStream, sub: TypeSubscription, nonce: string, errorDetail: Status__Output | null, clientVersion?: string): void {
  const taken = sub.takeOutstandingWithEarlier(nonce);
  const response = taken?.response;
  if (errorDetail && !response && sub.lastNack?.nonce === nonce) {
    // gRPC clients repeat their NACK on every later request for the type until a new
    // response arrives; that is the same rejection, already reported.
    return;
  }
  if (errorDetail) {
    reportNack(stream, sub, nonce, nackDetail(errorDetail), response, clientVersion ?? sub.lastVersionAcked);
    return;
  }
  if (!response) return;
  sub.lastVersionAcked = response.version;
  sub.lastNack = undefined;
  // The client runs what it was sent before, too: it answered only its latest state (proxy-sync.ts reads this).
  for (const earlier of taken?.earlier ?? []) sub.acceptResponse(earlier);
  sub.acceptResponse(response);
  stream.callbacks.ack({
    ...stream.nodeEvent(),
    typeUrl: sub.typeUrl,
    version: response.version,
    nonce,
    names: response.names,
    resources: response.resources,
  });
}

function reportNack(
  stream: SettlingStream,
  sub: TypeSubscription,
  nonce: string,
  detail: NackErrorDetail,
  response: OutstandingResponse | undefined,
  version: string,
): void {
  const rejected = response ? sub.rejectedIn(response) : [];
  sub.lastNack = { nonce, errorDetail: detail, rejected: rejected.map((r) => r.name), at: new Date().toISOString() };
  const names = response?.names ?? [];
  const rejectedVersion = response?.version ?? '';
  const event = stream.nodeEvent();
  stream.log.error(
    {
      node: event.node.id,
      gateway: event.key,
      type: SHORT_NAME[sub.typeUrl],
      resources: sub.lastNack.rejected,
      message: detail.message,
      code: detail.code,
      nonce,
      rejectedVersion,
    },
    'xDS NACK: the proxy rejected configuration',
  );
  if (sub.typeUrl === TypeUrl.Cluster) stream.clustersRejected();
  stream.callbacks.nack({
    ...event,
    typeUrl: sub.typeUrl,
    version,
    nonce,
    errorDetail: detail,
    names,
    rejectedVersion,
    rejected,
    clientStateKnown: sub.clientStateKnown(),
  });
}
