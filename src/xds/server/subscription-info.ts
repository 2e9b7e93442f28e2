/**
 * What a subscription (subscription.ts) reports of itself: for `connections()`, the debug
 * endpoint's per-proxy view, and the latest NACK the stream recorded (stream.ts, settle.ts).
 */
import type { TypeUrl } from '../resources';
import type { NackErrorDetail } from './callbacks';

export interface LastNack {
  nonce: string;
  errorDetail: NackErrorDetail;
  /** Names in the rejected response that the client did not already run at that version. */
  rejected: string[];
  /** When the NACK arrived (ISO 8601). */
  at: string;
}

/** A snapshot of one subscription for `connections()` and debug output. */
export interface SubscriptionInfo {
  typeUrl: TypeUrl;
  wildcard: boolean;
  /** Explicitly subscribed names (without `*`). */
  names: string[];
  /** How many resources the client is believed to hold. */
  held: number;
  /** How many of them it has accepted (ACKed); fewer than `held` after a NACK. */
  accepted: number;
  lastNonce: string;
  lastVersionSent: string;
  lastVersionAcked: string;
  /** The latest NACK, until a later response is ACKed. */
  lastNack?: LastNack;
}
