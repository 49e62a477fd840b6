/** Plain-text renderings of can-i, who-can and permissions answers (the CLI's table format). */
import type { SourcePosition } from '../core/finding.js';
import { subjectLabel, userLabel } from './subjects.js';
import {
  isNonResourceRequest,
  type BindingRef, type Decision, type Diagnostic, type Grant, type PermissionsResult, type RbacRequest, type RoleRefInfo, type RuleInfo, type WhoCanResult,
} from './types.js';

export function where(source: SourcePosition): string {
  return `${source.file}:${source.line}`;
}

export function bindingLabel(binding: BindingRef): string {
  return `${binding.kind} ${binding.namespace !== undefined ? `${binding.namespace}/` : ''}${binding.name}`;
}

export function roleLabel(role: RoleRefInfo): string {
  return `${role.kind} ${role.namespace !== undefined ? `${role.namespace}/` : ''}${role.name}${role.aggregated ? ' (aggregated)' : ''}`;
}

export function ruleLabel(rule: RuleInfo): string {
  return `rule ${rule.index}${rule.aggregatedFrom ? ` (from ClusterRole ${rule.aggregatedFrom})` : ''}: ${rule.text}`;
}

/** `get secrets`, `create pods/binding`, `update deployments.apps/scale web`, `get /healthz`. */
export function requestLabel(request: RbacRequest): string {
  if (isNonResourceRequest(request)) return `${request.verb} ${request.nonResourceURL}`;
  const group = request.apiGroup ? `.${request.apiGroup}` : '';
  const sub = request.subresource ? `/${request.subresource}` : '';
  return `${request.verb} ${request.resource}${group}${sub}${request.name ? ` ${request.name}` : ''}`;
}

/** `in namespace dev`, `cluster-wide`, `in every namespace`. */
export function scopeLabel(request: RbacRequest, allNamespaces = false): string {
  if (isNonResourceRequest(request)) return '(non-resource URL)';
  if (allNamespaces) return 'in any namespace';
  return request.namespace ? `in namespace ${request.namespace}` : 'cluster-wide';
}

/** The grant as three indented lines: binding, role, rule. */
export function grantLines(grant: Grant, indent = '  '): string[] {
  return [
    `${indent}${bindingLabel(grant.binding)} (${where(grant.binding.source)}), subject ${subjectLabel(grant.subject)}`,
    `${indent}  → ${roleLabel(grant.role)}`,
    `${indent}  → ${ruleLabel(grant.rule)}`,
  ];
}

export function diagnosticLine(d: Diagnostic): string {
  return `${d.position.file}:${d.position.line}:${d.position.column}: ${d.message}`;
}

export function formatDecision(decision: Decision, explain: boolean): string {
  const lines = [decision.allowed ? 'yes' : 'no'];
  if (!explain) return `${lines[0]}\n`;
  const who = userLabel(decision.user);
  const what = `${requestLabel(decision.request)} ${scopeLabel(decision.request)}`;
  lines.push(`${who} (groups: ${decision.user.groups.join(', ') || 'none'}) ${decision.allowed ? 'may' : 'may not'} ${what}.`);
  if (decision.privilegedGroup) lines.push(`  allowed by the API server before RBAC: member of the privileged group ${decision.privilegedGroup}`);
  if (decision.grants.length) {
    lines.push(decision.grants.length === 1 ? 'Allowed by:' : `Allowed by (${decision.grants.length} grants; the API server stops at the first):`);
    for (const grant of decision.grants) lines.push(...grantLines(grant));
  }
  const reason = decision.reason;
  if (reason) {
    lines.push(`Why not: ${reason.message}.`);
    if (reason.code === 'no-matching-rule') {
      lines.push('  bindings that apply:');
      for (const b of reason.bindings) lines.push(`    ${bindingLabel(b)} (${where(b.source)})`);
      if (reason.closest.length) lines.push('  closest rules:');
      for (const miss of reason.closest) {
        lines.push(`    ${roleLabel(miss.role)} ${ruleLabel(miss.rule)}`, `      via ${bindingLabel(miss.binding)} (${where(miss.binding.source)})`);
        for (const m of miss.mismatches) lines.push(`      - ${m}`);
      }
    }
  }
  if (decision.elsewhere.length) {
    lines.push('Would be allowed elsewhere, not here:');
    for (const { grant, why } of decision.elsewhere) lines.push(...grantLines(grant, '  '), `    but ${why}`);
  }
  if (decision.brokenBindings.length) {
    lines.push('Broken bindings of this subject (they grant nothing):');
    for (const d of decision.brokenBindings) lines.push(`  ${diagnosticLine(d)}`);
  }
  if (!decision.allowed) lines.push('(RBAC has no opinion: an authorizer other than RBAC, such as Node or a webhook, is not modelled.)');
  return `${lines.join('\n')}\n`;
}

export function formatWhoCan(result: WhoCanResult): string {
  const lines = [`Who can ${requestLabel(result.request)} ${scopeLabel(result.request, result.allNamespaces)}:`];
  if (!result.entries.length) lines.push('  no subject is granted this by RBAC');
  for (const entry of result.entries) {
    lines.push('', subjectLabel(entry.subject));
    for (const grant of entry.grants) {
      const scope = grant.scope === '*' ? 'cluster-wide' : `namespace ${grant.scope}`;
      lines.push(`  ${scope}: ${bindingLabel(grant.binding)} (${where(grant.binding.source)}) → ${roleLabel(grant.role)} → ${ruleLabel(grant.rule)}`);
    }
  }
  lines.push('', `${result.entries.length} subject(s). Always allowed as well, before RBAC: ${result.privilegedGroups.map((g) => `Group ${g}`).join(', ')}.`);
  return `${lines.join('\n')}\n`;
}

export function formatPermissions(result: PermissionsResult): string {
  const lines = [`${userLabel(result.user)} (groups: ${result.user.groups.join(', ') || 'none'})`];
  if (result.privilegedGroup) lines.push(`  member of ${result.privilegedGroup}: the API server allows everything before RBAC`);
  if (!result.namespaces.length) lines.push('', 'no RBAC permissions');
  for (const ns of result.namespaces) {
    lines.push('', ns.namespace === '*' ? 'cluster-wide (ClusterRoleBindings):' : `namespace ${ns.namespace}:`);
    for (const r of ns.rules) {
      lines.push(`  ${r.rule.text}`, `    via ${bindingLabel(r.binding)} (${where(r.binding.source)}) → ${roleLabel(r.role)} rule ${r.rule.index}, subject ${subjectLabel(r.subject)}`);
      for (const note of r.notes) lines.push(`    note: ${note}`);
    }
  }
  if (result.brokenBindings.length) {
    lines.push('', 'Broken bindings of this subject (they grant nothing):');
    for (const d of result.brokenBindings) lines.push(`  ${diagnosticLine(d)}`);
  }
  return `${lines.join('\n')}\n`;
}
