/** Escalation chains as text (step by step, with binding → role → rule) and as JSON. */
import type { Grant } from '../index.js';
import type { EscalationChain } from './paths.js';

function grantLine(grant: Grant): string {
  const b = grant.binding;
  const binding = `${b.kind} ${b.namespace !== undefined ? `${b.namespace}/` : ''}${b.name}`;
  const role = `${grant.role.kind} ${grant.role.namespace !== undefined ? `${grant.role.namespace}/` : ''}${grant.role.name}`;
  const from = grant.rule.aggregatedFrom ? ` (from ClusterRole ${grant.rule.aggregatedFrom})` : '';
  return `${binding} (${b.source.file}:${b.source.line}) → ${role} → rules[${grant.rule.index}]${from} ${grant.rule.text}`;
}

const MAX_GRANTS = 3;

/** The chain, one numbered step per permission used, each followed by the grants it uses. */
export function chainLines(chain: EscalationChain, indent = '  '): string[] {
  const lines: string[] = [];
  if (chain.before.length) lines.push(`${indent}${chain.subject}: ${chain.before.join('; ')}`);
  chain.steps.forEach((step, i) => {
    const via = step.via.length ? ` (as a member of ${step.via.join(', as a member of ')})` : '';
    lines.push(`${indent}${i + 1}. ${step.actor}${via} ${step.action} → ${step.to}${step.bootstrap ? '   [Kubernetes default grant]' : ''}`);
    if (step.then.some((t) => t !== step.to)) lines.push(`${indent}     (${step.then.join(' → ')})`);
    for (const grant of step.grants.slice(0, MAX_GRANTS)) lines.push(`${indent}     via ${grantLine(grant)}`);
    if (step.grants.length > MAX_GRANTS) lines.push(`${indent}     … and ${step.grants.length - MAX_GRANTS} more grant(s)`);
  });
  return lines;
}

function steps(n: number): string {
  return n === 1 ? '1 step' : `${n} steps`;
}

/** `kubeward rbac escalations SUBJECT [--to TARGET]`. */
export function formatChain(subject: string, target: string, chain: EscalationChain | undefined): string {
  if (!chain) return `${subject} cannot become ${target}: no escalation path in the input.\n`;
  const lines = [chain.steps.length === 0 ? `${chain.subject} already is ${chain.target}:` : `${chain.subject} can become ${chain.target} in ${steps(chain.steps.length)}:`, ...chainLines(chain)];
  return `${lines.join('\n')}\n`;
}

/**
 * `kubeward rbac escalations [--to TARGET]`: every subject that reaches the target, shortest chain
 * each. Subjects that reach it only as members of a group that is listed are summed up under it.
 */
export function formatReaching(target: string, chains: EscalationChain[], omittedBootstrap = 0): string {
  const listed = new Set(chains.map((c) => c.subject));
  const members = new Map<string, string[]>();
  const shown: EscalationChain[] = [];
  for (const chain of chains) {
    const group = chain.steps[0]?.via[0];
    if (group && listed.has(group)) {
      const list = members.get(group);
      if (list) list.push(chain.subject);
      else members.set(group, [chain.subject]);
    } else shown.push(chain);
  }
  const lines: string[] = [];
  if (chains.length === 0) lines.push(`No subject can become ${target} through the RBAC of the input.`);
  else lines.push(`${chains.length} subject(s) can become ${target}:`);
  for (const chain of shown) {
    lines.push('', `${chain.subject} — ${steps(chain.steps.length)}`, ...chainLines(chain));
    const m = members.get(chain.subject);
    if (m) lines.push(`  Every member reaches it the same way: ${m.slice(0, 10).join(', ')}${m.length > 10 ? ` and ${m.length - 10} more` : ''}.`);
  }
  if (omittedBootstrap > 0) lines.push('', `${omittedBootstrap} subject(s) whose first step is a Kubernetes default grant (controllers, system:masters…) are not listed; --include-bootstrap lists them.`);
  return `${lines.join('\n')}\n`;
}

/** A chain as JSON: steps with their grants (binding, role, rule with file and line). */
export function chainJson(chain: EscalationChain): unknown {
  return {
    subject: chain.subject,
    target: chain.target,
    steps: chain.steps.map((s) => ({
      actor: s.actor,
      ...(s.via.length ? { via: s.via } : {}),
      kind: s.kind,
      action: s.action,
      to: s.to,
      ...(s.then.length ? { then: s.then } : {}),
      bootstrap: s.bootstrap,
      grants: s.grants.map((g) => ({
        binding: { kind: g.binding.kind, name: g.binding.name, ...(g.binding.namespace !== undefined ? { namespace: g.binding.namespace } : {}), file: g.binding.source.file, line: g.binding.source.line },
        subject: g.subject,
        role: { kind: g.role.kind, name: g.role.name, ...(g.role.namespace !== undefined ? { namespace: g.role.namespace } : {}), aggregated: g.role.aggregated },
        rule: { index: g.rule.index, text: g.rule.text, ...(g.rule.aggregatedFrom ? { aggregatedFrom: g.rule.aggregatedFrom } : {}) },
        scope: g.scope,
      })),
    })),
    ...(chain.before.length ? { before: chain.before } : {}),
  };
}
