/**
 * Status conditions: the types and reasons exactly as the Gateway API spells them
 * (apis/v1/shared_types.go, gateway_types.go, gatewayclass_types.go), and a builder.
 * "Condition" here always means a status condition; route predicates are "matches".
 */
import { type Condition } from '../apis/meta';

export const ConditionType = {
  Accepted: 'Accepted',
  Programmed: 'Programmed',
  ResolvedRefs: 'ResolvedRefs',
  Conflicted: 'Conflicted',
  PartiallyInvalid: 'PartiallyInvalid',
  SupportedVersion: 'SupportedVersion',
} as const;

export const Reason = {
  Accepted: 'Accepted',
  Programmed: 'Programmed',
  ResolvedRefs: 'ResolvedRefs',
  NoConflicts: 'NoConflicts',
  SupportedVersion: 'SupportedVersion',
  Invalid: 'Invalid',
  ListenersNotValid: 'ListenersNotValid',
  UnsupportedProtocol: 'UnsupportedProtocol',
  UnsupportedAddress: 'UnsupportedAddress',
  AddressNotUsable: 'AddressNotUsable',
  AddressNotAssigned: 'AddressNotAssigned',
  /** Gateway and listener Programmed: valid, but no proxy runs the configuration yet. */
  Pending: 'Pending',
  InvalidParameters: 'InvalidParameters',
  InvalidRouteKinds: 'InvalidRouteKinds',
  NotAllowedByListeners: 'NotAllowedByListeners',
  NoMatchingListenerHostname: 'NoMatchingListenerHostname',
  NoMatchingParent: 'NoMatchingParent',
  UnsupportedValue: 'UnsupportedValue',
  BackendNotFound: 'BackendNotFound',
  InvalidKind: 'InvalidKind',
  RefNotPermitted: 'RefNotPermitted',
  // Listener reasons (gateway_types.go ListenerConditionReason).
  InvalidCertificateRef: 'InvalidCertificateRef',
  HostnameConflict: 'HostnameConflict',
  ProtocolConflict: 'ProtocolConflict',
} as const;

export type ConditionTypeName = (typeof ConditionType)[keyof typeof ConditionType];
export type ReasonName = (typeof Reason)[keyof typeof Reason];

/** Builds conditions stamped with one generation and one transition time (passed in: no clock here). */
export class ConditionBuilder {
  constructor(
    private readonly generation: number | undefined,
    private readonly now: string,
  ) {}

  make(type: ConditionTypeName, ok: boolean, reason: ReasonName, message: string): Condition {
    return {
      type,
      status: ok ? 'True' : 'False',
      reason,
      message,
      observedGeneration: this.generation,
      lastTransitionTime: this.now,
    };
  }
}

/** A problem found while translating, with the condition it sets (after EG's RouteStatusError). */
export interface TranslationIssue {
  type: ConditionTypeName;
  reason: ReasonName;
  message: string;
  /** The field path inside the object, e.g. `spec.rules[1].backendRefs[0]`. */
  field?: string;
}

/** A value Attaché cannot implement as written (route status reason UnsupportedValue). */
export function unsupportedValue(field: string, message: string): TranslationIssue {
  return { type: ConditionType.Accepted, reason: Reason.UnsupportedValue, message: `${field}: ${message}`, field };
}
