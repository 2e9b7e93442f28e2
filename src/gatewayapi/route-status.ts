/**
 * RouteParentStatus for each parent a route names: Accepted, ResolvedRefs and PartiallyInvalid
 * with the spec's reasons (apis/v1/shared_types.go).
 *
 * Invalid rules are handled by the "Drop Rule(s)" approach of RouteConditionPartiallyInvalid
 * (GEP-1364): the rule is left out, the route stays Accepted=True at its current generation,
 * and PartiallyInvalid=True carries a message that starts with "Dropped Rule" and names each
 * dropped rule. "A Route MUST be considered Accepted if at least one of the Route's rules is
 * implemented", so when every rule is dropped the route is Accepted=False (UnsupportedValue),
 * and PartiallyInvalid, which "MUST NOT be set if a Route is fully valid, fully invalid, or not
 * accepted", is absent.
 */
import { type Condition } from '../apis/meta';
import { ConditionBuilder, ConditionType, Reason, type TranslationIssue } from './conditions';
import type { DroppedRule, ParentAttachment, RuleOutcome } from './contexts';
import { type TranslateOptions } from './options';
import { type RouteParentStatus } from './status';

export function routeParentStatus(
  attachment: ParentAttachment,
  generation: number | undefined,
  issues: readonly TranslationIssue[],
  options: TranslateOptions,
  rules: RuleOutcome = { total: 0, dropped: [] },
): RouteParentStatus {
  const c = new ConditionBuilder(generation, options.now);
  const refIssues = issues.filter((i) => i.type === ConditionType.ResolvedRefs);
  const allDropped = allRulesDropped(rules);
  const conditions: Condition[] = [
    attachment.issue
      ? c.make(ConditionType.Accepted, false, attachment.issue.reason, attachment.issue.message)
      : allDropped
        ? c.make(ConditionType.Accepted, false, Reason.UnsupportedValue, `No valid rule. ${droppedMessage(rules.dropped)}`)
        : c.make(ConditionType.Accepted, true, Reason.Accepted, `Attached to ${attachment.listeners.map((l) => l.listener.listener.name).join(', ')}`),
    refIssues.length > 0
      ? c.make(ConditionType.ResolvedRefs, false, refIssues[0].reason, refIssues.map((i) => i.message).join('; '))
      : c.make(ConditionType.ResolvedRefs, true, Reason.ResolvedRefs, 'All references resolved'),
  ];
  if (!attachment.issue && rules.dropped.length > 0 && !allDropped) {
    conditions.push(c.make(ConditionType.PartiallyInvalid, true, Reason.UnsupportedValue, droppedMessage(rules.dropped)));
  }
  return { parentRef: attachment.parentRef, controllerName: options.controllerName, conditions };
}

/** "A Route MUST be considered Accepted if at least one of the Route's rules is implemented." */
function allRulesDropped(rules: RuleOutcome): boolean {
  return rules.total > 0 && rules.dropped.length === rules.total;
}

/**
 * Whether the route is Accepted=True by this parent: the one rule for the condition and for the
 * listeners' attachedRoutes, which "MUST NOT" count routes with any other value of Accepted.
 */
export function isAcceptedByParent(attachment: ParentAttachment, rules: RuleOutcome): boolean {
  return !attachment.issue && !allRulesDropped(rules);
}

/** `Dropped Rule "name": why; Dropped Rule spec.rules[2]: why` — by name when set, else by index. */
function droppedMessage(dropped: readonly DroppedRule[]): string {
  return dropped
    .map((d) => `Dropped Rule ${d.name !== undefined ? JSON.stringify(d.name) : `spec.rules[${d.index}]`}: ${d.issues.map((i) => i.message).join('; ')}`)
    .join('; ');
}
