/**
 * The CRDs' CEL rules (`x-kubernetes-validations`), compiled once when the CRDs load and run
 * against each object after defaulting, as the apiserver runs them on create: every rule at
 * every instance of the schema node it sits on, `self` bound to that instance.
 *
 * Transition rules (those that read `oldSelf`) only run on update, so file mode skips them.
 * A rule this environment cannot run (a function it lacks) is never enforced, since it would
 * otherwise reject valid objects; it is recorded instead, so a test can insist there are none.
 */
import { isCelError, parse, plan, type CelInput, type CelResult } from '@bufbuild/cel';
import { kubernetesCelEnv, PLANNER_OPERATORS } from './cel-k8s-env';
import { toCelValue, type CelRuleSpec, type CrdSchemaNode } from './cel-value';
import type { FieldError } from './field-error';

type Expr = ReturnType<typeof parse>['expr'];
type Program = (ctx: Record<string, CelInput>) => CelResult;

export interface UnsupportedCelRule {
  /** Where the rule sits: `group/version Kind` and the schema path, e.g. `spec.rules[*].filters`. */
  where: string;
  rule: string;
  reason: string;
}

interface CompiledRule {
  spec: CelRuleSpec;
  where: string;
  program: Program;
  message?: Program;
}

/** The schema nodes that carry rules, and the paths down to them; nodes without any are left out. */
export interface CelRuleTree {
  schema: CrdSchemaNode;
  rules: CompiledRule[];
  properties: { name: string; node: CelRuleTree }[];
  items?: CelRuleTree;
  additionalProperties?: CelRuleTree;
}

type Compiled = { kind: 'ok'; program: Program } | { kind: 'transition' } | { kind: 'unsupported'; reason: string };

// Evaluation errors that mean "this environment lacks something", not "the object is invalid".
const UNSUPPORTED_AT_RUNTIME = /^(unbound function|found no matching overload|unresolved attribute)/;

export class CelRuleCompiler {
  private readonly env = kubernetesCelEnv();
  // The same rule text recurs across versions and nodes (HTTPRoute repeats its filter rules):
  // compile each text once.
  private readonly cache = new Map<string, Compiled>();
  private readonly unsupported = new Map<string, UnsupportedCelRule>();

  /** The rule tree of one CRD version's `openAPIV3Schema`; `label` names it in reports. */
  compileSchema(schema: CrdSchemaNode, label: string): CelRuleTree | undefined {
    return this.compileNode(schema, label, '');
  }

  unsupportedRules(): UnsupportedCelRule[] {
    return [...this.unsupported.values()];
  }

  /** Errors of every failing rule in `tree` for the (defaulted) object `value`. */
  evaluate(tree: CelRuleTree, value: unknown): FieldError[] {
    const errors: FieldError[] = [];
    this.evaluateNode(tree, value, '', errors);
    return errors;
  }

  private compileNode(schema: CrdSchemaNode, label: string, path: string): CelRuleTree | undefined {
    const where = `${label} ${path || '(root)'}`;
    const rules: CompiledRule[] = [];
    for (const spec of schema['x-kubernetes-validations'] ?? []) {
      const rule = this.compileRule(spec, where);
      if (rule) rules.push(rule);
    }
    const properties: CelRuleTree['properties'] = [];
    for (const [name, sub] of Object.entries(schema.properties ?? {})) {
      const node = this.compileNode(sub, label, path ? `${path}.${name}` : name);
      if (node) properties.push({ name, node });
    }
    const items = schema.items ? this.compileNode(schema.items, label, `${path}[*]`) : undefined;
    const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    const additionalProperties = extra ? this.compileNode(extra, label, `${path}[*]`) : undefined;
    if (rules.length === 0 && properties.length === 0 && !items && !additionalProperties) return undefined;
    return { schema, rules, properties, items, additionalProperties };
  }

  private compileRule(spec: CelRuleSpec, where: string): CompiledRule | undefined {
    const rule = this.compileExpression(spec.rule);
    if (rule.kind === 'transition') return undefined;
    if (rule.kind === 'unsupported') {
      this.markUnsupported(where, spec.rule, rule.reason);
      return undefined;
    }
    let message: Program | undefined;
    if (spec.messageExpression !== undefined) {
      const compiled = this.compileExpression(spec.messageExpression);
      if (compiled.kind === 'ok') {
        message = compiled.program;
      } else {
        const reason = compiled.kind === 'unsupported' ? compiled.reason : 'messageExpression reads oldSelf';
        this.markUnsupported(where, spec.messageExpression, reason);
      }
    }
    return { spec, where, program: rule.program, message };
  }

  private compileExpression(text: string): Compiled {
    const cached = this.cache.get(text);
    if (cached) return cached;
    const compiled = this.compileUncached(text);
    this.cache.set(text, compiled);
    return compiled;
  }

  private compileUncached(text: string): Compiled {
    try {
      const parsed = parse(text);
      const refs = references(parsed.expr);
      if (refs.idents.has('oldSelf')) return { kind: 'transition' };
      // The planner binds functions lazily, so a missing one would only show on evaluation.
      const missing = [...refs.calls].filter((f) => !PLANNER_OPERATORS.has(f) && !this.env.funcs.find(f));
      if (missing.length > 0) return { kind: 'unsupported', reason: `unsupported function(s): ${missing.join(', ')}` };
      return { kind: 'ok', program: plan(this.env, parsed) };
    } catch (e) {
      return { kind: 'unsupported', reason: `does not compile: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  private markUnsupported(where: string, rule: string, reason: string): void {
    this.unsupported.set(`${where}\n${rule}`, { where, rule, reason });
  }

  private evaluateNode(node: CelRuleTree, value: unknown, path: string, errors: FieldError[]): void {
    if (value === null || value === undefined) return;
    if (node.rules.length > 0) {
      const self = toCelValue(value, node.schema);
      if (self !== undefined) for (const rule of node.rules) this.runRule(rule, self, path, errors);
    }
    if (Array.isArray(value)) {
      const items = node.items;
      if (items) value.forEach((item, i) => this.evaluateNode(items, item, `${path}[${i}]`, errors));
      return;
    }
    if (typeof value !== 'object') return;
    const fields = value as Record<string, unknown>;
    for (const { name, node: sub } of node.properties) {
      if (Object.prototype.hasOwnProperty.call(fields, name)) this.evaluateNode(sub, fields[name], join(path, name), errors);
    }
    if (node.additionalProperties) {
      const declared = node.schema.properties ?? {};
      for (const [key, v] of Object.entries(fields)) {
        if (Object.prototype.hasOwnProperty.call(declared, key)) continue;
        this.evaluateNode(node.additionalProperties, v, `${path}[${key}]`, errors);
      }
    }
  }

  private runRule(rule: CompiledRule, self: CelInput, path: string, errors: FieldError[]): void {
    const result = rule.program({ self });
    if (isCelError(result)) {
      if (UNSUPPORTED_AT_RUNTIME.test(result.message)) {
        this.markUnsupported(rule.where, rule.spec.rule, result.message);
        return;
      }
      // As the apiserver: an error while evaluating (a missing field, an index out of range)
      // rejects the object, naming the rule by its message when it has one.
      const name = rule.spec.message ?? rule.spec.rule;
      errors.push({ field: path || '(root)', message: `${result.message} evaluating rule: ${name}` });
      return;
    }
    if (result === true) return;
    const field = join(path, (rule.spec.fieldPath ?? '').replace(/^\./, '')) || '(root)';
    errors.push({ field, message: this.messageOf(rule, self) });
  }

  private messageOf(rule: CompiledRule, self: CelInput): string {
    if (rule.message) {
      const m = rule.message({ self });
      // The apiserver falls back to `message` when messageExpression fails or yields nothing.
      if (typeof m === 'string' && m.trim() !== '') return m;
    }
    return rule.spec.message ?? `failed rule: ${rule.spec.rule}`;
  }
}

function join(path: string, name: string): string {
  if (!name) return path;
  if (!path) return name;
  return name.startsWith('[') ? `${path}${name}` : `${path}.${name}`;
}

/** Function names called and identifiers read anywhere in `expr`. */
function references(expr: Expr): { calls: Set<string>; idents: Set<string> } {
  const calls = new Set<string>();
  const idents = new Set<string>();
  const visit = (e: Expr | undefined): void => {
    if (!e) return;
    const k = e.exprKind;
    switch (k.case) {
      case 'identExpr':
        idents.add(k.value.name);
        break;
      case 'selectExpr':
        visit(k.value.operand);
        break;
      case 'callExpr':
        calls.add(k.value.function);
        visit(k.value.target);
        k.value.args.forEach(visit);
        break;
      case 'listExpr':
        k.value.elements.forEach(visit);
        break;
      case 'structExpr':
        for (const entry of k.value.entries) {
          if (entry.keyKind.case === 'mapKey') visit(entry.keyKind.value);
          visit(entry.value);
        }
        break;
      case 'comprehensionExpr':
        [k.value.iterRange, k.value.accuInit, k.value.loopCondition, k.value.loopStep, k.value.result].forEach(visit);
        break;
      default:
        break;
    }
  };
  visit(expr);
  return { calls, idents };
}
