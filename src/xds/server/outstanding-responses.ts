/**
 * Per stream and type URL: the responses written and not yet answered, by nonce. A request's
 * `response_nonce` settles one of them (ACK or NACK, see settle.ts) together with every older
 * one, which can no longer be answered.
 */
import type { ResourceVersion, SettledResponse } from './accepted-versions';

/** A written response not yet ACKed or NACKed. */
export interface OutstandingResponse extends SettledResponse {
  version: string;
  /** Resource names in it, then (Delta) its removed names. */
  names: string[];
  resources: ResourceVersion[];
  removed: string[];
}

/**
 * Bound on responses awaiting an answer: a client answers every response in order, so only a
 * misbehaving one leaves more than a few; older entries are dropped rather than kept forever.
 */
const MAX_OUTSTANDING = 16;

export class OutstandingResponses {
  /** Oldest first (a Map keeps insertion order). */
  private readonly byNonce = new Map<string, OutstandingResponse>();

  /** Records a written response, dropping the oldest beyond the bound. */
  add(nonce: string, response: OutstandingResponse): void {
    this.byNonce.set(nonce, response);
    if (this.byNonce.size > MAX_OUTSTANDING) this.byNonce.delete(this.byNonce.keys().next().value as string);
  }

  /**
   * The response a request with `nonce` answers, removed together with every older one.
   * Undefined if unknown or already settled.
   */
  take(nonce: string): OutstandingResponse | undefined {
    return this.takeWithEarlier(nonce)?.response;
  }

  /**
   * Like `take`, with the older responses it settles too, oldest first. Envoy answers only its
   * latest state when responses of a type arrive faster than it sends requests (its request
   * queue keeps one per type), so an ACK may stand for earlier responses too: it applied them in
   * order.
   */
  takeWithEarlier(nonce: string): { response: OutstandingResponse; earlier: OutstandingResponse[] } | undefined {
    const found = this.byNonce.get(nonce);
    if (!found) return undefined;
    const earlier: OutstandingResponse[] = [];
    for (const [key, response] of [...this.byNonce.entries()]) {
      this.byNonce.delete(key);
      if (key === nonce) break;
      earlier.push(response);
    }
    return { response: found, earlier };
  }
}
