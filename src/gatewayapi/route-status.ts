/** RouteParentStatus for each parent a route names: Accepted and ResolvedRefs with the spec's reasons. */
import { Condition } from '../apis/meta';
import { ConditionBuilder, ConditionType, Reason, TranslationIssue } from './conditions';
import { TranslateOptions } from './options';
import { ParentAttachment } from './parent-refs';
import { RouteParentStatus } from './status';

export function routeParentStatus(
  attachment: ParentAttachment,
  generation: number | undefined,
  issues: readonly TranslationIssue[],
  options: TranslateOptions,
): RouteParentStatus {
  const c = new ConditionBuilder(generation, options.now);
  const refIssue = issues.find((i) => i.type === ConditionType.ResolvedRefs);
  const conditions: Condition[] = [
    attachment.issue
      ? c.make(ConditionType.Accepted, false, attachment.issue.reason, attachment.issue.message)
      : c.make(ConditionType.Accepted, true, Reason.Accepted, `Attached to ${attachment.listeners.map((l) => l.listener.listener.name).join(', ')}`),
    refIssue
      ? c.make(ConditionType.ResolvedRefs, false, refIssue.reason, issues.filter((i) => i.type === ConditionType.ResolvedRefs).map((i) => i.message).join('; '))
      : c.make(ConditionType.ResolvedRefs, true, Reason.ResolvedRefs, 'All references resolved'),
  ];
  return { parentRef: attachment.parentRef, controllerName: options.controllerName, conditions };
}
