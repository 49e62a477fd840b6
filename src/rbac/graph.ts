/**
 * The RBAC graph of an inventory: subjects → bindings → roles, aggregated ClusterRoles → the
 * ClusterRoles they aggregate, and (optionally) workloads → the ServiceAccount they run as.
 * Rendered as Graphviz DOT, Mermaid flowchart or JSON; names can contain anything, so every
 * renderer escapes them for its own syntax.
 *
 * What the graph shows follows the evaluator: RBAC objects are those of rbac.authorization.k8s.io,
 * the first of duplicate objects wins, a ServiceAccount subject without namespace takes the
 * RoleBinding's (in a ClusterRoleBinding it never matches and is left out, as are subjects of
 * unknown kinds), a roleRef to a role that does not exist gives a node marked `missing`, and a
 * ClusterRole with a valid aggregationRule is `aggregated`, with an edge to every ClusterRole its
 * selectors match.
 */
import { isJsonObject, podTemplateOf, selectorMatches, type Inventory, type InventoryObject, type LabelSelector } from '../inventory/index.js';
import { readAggregationRule, splitServiceAccountUsername } from './index.js';

export type GraphNodeKind = 'User' | 'Group' | 'ServiceAccount' | 'RoleBinding' | 'ClusterRoleBinding' | 'Role' | 'ClusterRole' | 'Workload';
export type GraphEdgeKind = 'subject' | 'roleRef' | 'aggregates' | 'runsAs';

export interface GraphNode {
  /** Unique in the graph: `KIND:NAMESPACE/NAME` or `KIND:NAME` (with `#2`… when hostile names collide). */
  id: string;
  kind: GraphNodeKind;
  /** `NAMESPACE/NAME` or `NAME`, plus `(aggregated)` / `(missing)`. */
  label: string;
  name: string;
  namespace?: string;
  /** A ClusterRole whose rules come from its aggregationRule. */
  aggregated?: boolean;
  /** A role a binding refers to that is not in the input: the binding grants nothing. */
  missing?: boolean;
  /** For kind Workload: Deployment, Pod, CronJob… */
  workloadKind?: string;
  source?: { file: string; line: number };
}

export interface GraphEdge {
  from: string;
  to: string;
  /** subject → binding (`subject`), binding → role (`roleRef`), aggregated role → source (`aggregates`), workload → ServiceAccount (`runsAs`). */
  kind: GraphEdgeKind;
}

export interface RbacGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface GraphOptions {
  /** Only this subject: a user name, `system:serviceaccount:NS:NAME`, or `group:NAME`. */
  subject?: string;
  /** Only RoleBindings of this namespace and ClusterRoleBindings of its ServiceAccounts (and its workloads). */
  namespace?: string;
  /** Add the workloads running as each ServiceAccount shown. */
  workloads?: boolean;
}

const RBAC_PREFIX = 'rbac.authorization.k8s.io/';

interface SubjectRef { kind: 'User' | 'Group' | 'ServiceAccount'; name: string; namespace?: string }
interface RoleEntry { kind: 'Role' | 'ClusterRole'; name: string; namespace?: string; obj: InventoryObject; selectors?: LabelSelector[] }
interface BindingEntry { kind: 'RoleBinding' | 'ClusterRoleBinding'; name: string; namespace?: string; obj: InventoryObject; roleRef?: { kind: 'Role' | 'ClusterRole'; name: string }; subjects: SubjectRef[] }

function key(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}\u0000${namespace ?? ''}\u0000${name}`;
}

/** `group:NAME` → Group; a valid ServiceAccount user name → ServiceAccount; anything else → User. */
export function parseGraphSubject(text: string): SubjectRef {
  if (/^group:/i.test(text)) return { kind: 'Group', name: text.slice('group:'.length) };
  const sa = splitServiceAccountUsername(text);
  if (sa) return { kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace };
  return { kind: 'User', name: text };
}

export function buildRbacGraph(inventory: Inventory, options: GraphOptions = {}): RbacGraph {
  const { roles, bindings } = readObjects(inventory);
  const wanted = options.subject !== undefined ? parseGraphSubject(options.subject) : undefined;
  const ns = options.namespace;
  const sameSubject = (s: SubjectRef): boolean => wanted !== undefined && s.kind === wanted.kind && s.name === wanted.name && (s.namespace ?? '') === (wanted.namespace ?? '');
  const inNamespace = (s: SubjectRef): boolean => s.kind === 'ServiceAccount' && s.namespace === ns;

  const nodes = new NodeSet();
  const edges: GraphEdge[] = [];
  const edgeKeys = new Set<string>();
  const addEdge = (from: string, to: string, kind: GraphEdgeKind): void => {
    const k = `${from}\u0000${to}\u0000${kind}`;
    if (edgeKeys.has(k)) return;
    edgeKeys.add(k);
    edges.push({ from, to, kind });
  };
  const subjectNode = (s: SubjectRef): string => nodes.add(s.kind, s.namespace, s.name, {});
  const roleNode = (role: RoleEntry): string => nodes.add(role.kind, role.namespace, role.name, { source: where(role.obj), ...(role.selectors ? { aggregated: true } : {}) });

  const shownRoles = new Set<RoleEntry>();
  for (const binding of bindings) {
    if (ns !== undefined) {
      const here = binding.kind === 'RoleBinding' ? binding.namespace === ns : binding.subjects.some(inNamespace);
      if (!here) continue;
    }
    if (wanted && !binding.subjects.some(sameSubject)) continue;
    const subjects = binding.subjects.filter((s) => (wanted ? sameSubject(s) : ns !== undefined && binding.kind === 'ClusterRoleBinding' ? inNamespace(s) : true));
    const bindingId = nodes.add(binding.kind, binding.namespace, binding.name, { source: where(binding.obj) });
    for (const s of subjects) addEdge(subjectNode(s), bindingId, 'subject');
    if (!binding.roleRef) continue;
    const roleNamespace = binding.roleRef.kind === 'Role' ? (binding.namespace ?? '') : undefined;
    const role = roles.get(key(binding.roleRef.kind, roleNamespace, binding.roleRef.name));
    if (role) {
      shownRoles.add(role);
      addEdge(bindingId, roleNode(role), 'roleRef');
    } else {
      addEdge(bindingId, nodes.add(binding.roleRef.kind, roleNamespace, binding.roleRef.name, { missing: true }), 'roleRef');
    }
  }
  if (!wanted && ns === undefined) for (const role of roles.values()) shownRoles.add(role);

  // aggregation: from every shown aggregated ClusterRole to its sources, and on from those
  const clusterRoles = [...roles.values()].filter((r) => r.kind === 'ClusterRole');
  const queue = [...shownRoles];
  const visited = new Set<RoleEntry>();
  while (queue.length) {
    const role = queue.shift()!;
    if (visited.has(role)) continue;
    visited.add(role);
    roleNode(role);
    if (!role.selectors) continue;
    for (const source of clusterRoles) {
      if (source === role || !role.selectors.some((sel) => selectorMatches(sel, source.obj.labels))) continue;
      addEdge(roleNode(role), roleNode(source), 'aggregates');
      queue.push(source);
    }
  }

  if (options.workloads) {
    for (const obj of inventory.objects) {
      const template = podTemplateOf(obj);
      if (!template || obj.namespace === undefined) continue;
      if (ns !== undefined && obj.namespace !== ns) continue;
      const account = typeof template.spec.serviceAccountName === 'string' && template.spec.serviceAccountName ? template.spec.serviceAccountName : 'default';
      const sa: SubjectRef = { kind: 'ServiceAccount', name: account, namespace: obj.namespace };
      if (wanted && !sameSubject(sa)) continue;
      const id = nodes.add('Workload', obj.namespace, obj.name, { workloadKind: obj.kind, source: where(obj) }, obj.kind);
      addEdge(id, subjectNode(sa), 'runsAs');
    }
  }
  if (wanted && !nodes.has(wanted.kind, wanted.namespace, wanted.name)) subjectNode(wanted);

  const order: Record<GraphNodeKind, number> = { Workload: 0, User: 1, Group: 2, ServiceAccount: 3, ClusterRoleBinding: 4, RoleBinding: 5, ClusterRole: 6, Role: 7 };
  const sorted = nodes.list().sort((a, b) => order[a.kind] - order[b.kind] || cmp(a.workloadKind ?? '', b.workloadKind ?? '') || cmp(a.namespace ?? '', b.namespace ?? '') || cmp(a.name, b.name));
  const position = new Map(sorted.map((n, i) => [n.id, i]));
  edges.sort((a, b) => position.get(a.from)! - position.get(b.from)! || position.get(a.to)! - position.get(b.to)! || cmp(a.kind, b.kind));
  return { nodes: sorted, edges };
}

class NodeSet {
  private readonly byKey = new Map<string, GraphNode>();
  private readonly ids = new Set<string>();

  has(kind: string, namespace: string | undefined, name: string): boolean {
    return this.byKey.has(key(kind, namespace, name));
  }

  /** The node's id, creating it (or adding `extra` to it) as needed. `discriminator` separates workload kinds. */
  add(kind: GraphNodeKind, namespace: string | undefined, name: string, extra: Partial<GraphNode>, discriminator = ''): string {
    const k = key(`${kind}${discriminator ? `/${discriminator}` : ''}`, namespace, name);
    const known = this.byKey.get(k);
    if (known) {
      Object.assign(known, extra);
      return known.id;
    }
    const shown = namespace !== undefined ? `${namespace}/${name}` : name;
    let id = `${discriminator || kind}:${shown}`;
    for (let n = 2; this.ids.has(id); n++) id = `${discriminator || kind}:${shown}#${n}`;
    this.ids.add(id);
    const node: GraphNode = { id, kind, label: shown, name, ...(namespace !== undefined ? { namespace } : {}), ...extra };
    this.byKey.set(k, node);
    return id;
  }

  list(): GraphNode[] {
    return [...this.byKey.values()].map((n) => ({ ...n, label: `${n.label}${n.aggregated ? ' (aggregated)' : ''}${n.missing ? ' (missing)' : ''}` }));
  }
}

function readObjects(inventory: Inventory): { roles: Map<string, RoleEntry>; bindings: BindingEntry[] } {
  const roles = new Map<string, RoleEntry>();
  for (const kind of ['Role', 'ClusterRole'] as const) {
    for (const obj of inventory.ofKind(kind)) {
      if (!obj.apiVersion.startsWith(RBAC_PREFIX)) continue;
      const namespace = kind === 'Role' ? (obj.namespace ?? '') : undefined;
      const k = key(kind, namespace, obj.name);
      if (roles.has(k)) continue;
      const entry: RoleEntry = { kind, name: obj.name, obj, ...(namespace !== undefined ? { namespace } : {}) };
      if (kind === 'ClusterRole') {
        const aggregation = readAggregationRule(obj.object.aggregationRule);
        if (aggregation && 'selectors' in aggregation) entry.selectors = aggregation.selectors;
      }
      roles.set(k, entry);
    }
  }
  const bindings: BindingEntry[] = [];
  const seen = new Set<string>();
  for (const kind of ['ClusterRoleBinding', 'RoleBinding'] as const) {
    for (const obj of inventory.ofKind(kind)) {
      if (!obj.apiVersion.startsWith(RBAC_PREFIX)) continue;
      const namespace = kind === 'RoleBinding' ? (obj.namespace ?? '') : undefined;
      const k = key(kind, namespace, obj.name);
      if (seen.has(k)) continue;
      seen.add(k);
      const entry: BindingEntry = { kind, name: obj.name, obj, subjects: [], ...(namespace !== undefined ? { namespace } : {}) };
      const ref = obj.object.roleRef;
      if (isJsonObject(ref) && (ref.kind === 'Role' || ref.kind === 'ClusterRole') && typeof ref.name === 'string') entry.roleRef = { kind: ref.kind, name: ref.name };
      for (const raw of Array.isArray(obj.object.subjects) ? obj.object.subjects : []) {
        if (!isJsonObject(raw) || typeof raw.name !== 'string' || !raw.name) continue;
        if (raw.kind === 'User' || raw.kind === 'Group') entry.subjects.push({ kind: raw.kind, name: raw.name });
        else if (raw.kind === 'ServiceAccount') {
          const saNamespace = typeof raw.namespace === 'string' && raw.namespace ? raw.namespace : namespace;
          if (saNamespace) entry.subjects.push({ kind: 'ServiceAccount', name: raw.name, namespace: saNamespace });
        }
      }
      bindings.push(entry);
    }
  }
  return { roles, bindings };
}

function where(obj: InventoryObject): { file: string; line: number } {
  return { file: obj.source.file, line: obj.source.line };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------- renderers

const STYLE: Record<GraphNodeKind, { dot: string; mermaid: [string, string]; fill: string; stroke: string }> = {
  User: { dot: 'shape=ellipse', mermaid: ['([', '])'], fill: '#dbeafe', stroke: '#1e40af' },
  Group: { dot: 'shape=ellipse, peripheries=2', mermaid: ['([', '])'], fill: '#e0e7ff', stroke: '#3730a3' },
  ServiceAccount: { dot: 'shape=ellipse', mermaid: ['([', '])'], fill: '#dcfce7', stroke: '#166534' },
  RoleBinding: { dot: 'shape=box', mermaid: ['[', ']'], fill: '#f3f4f6', stroke: '#374151' },
  ClusterRoleBinding: { dot: 'shape=box, penwidth=2', mermaid: ['[', ']'], fill: '#e5e7eb', stroke: '#111827' },
  Role: { dot: 'shape=hexagon', mermaid: ['{{', '}}'], fill: '#fef9c3', stroke: '#854d0e' },
  ClusterRole: { dot: 'shape=hexagon, penwidth=2', mermaid: ['{{', '}}'], fill: '#fde68a', stroke: '#92400e' },
  Workload: { dot: 'shape=component', mermaid: ['[[', ']]'], fill: '#fce7f3', stroke: '#9d174d' },
};

const EDGE_LABEL: Record<GraphEdgeKind, string> = { subject: '', roleRef: '', aggregates: 'aggregates', runsAs: 'runs as' };

/** Code points XML 1.0 (and so Graphviz's HTML labels) cannot carry, and C1 controls: shown as `\uXXXX`. */
function visible(cp: number): boolean {
  return (cp >= 0x20 && cp < 0x7f) || (cp > 0x9f && cp < 0xd800) || (cp > 0xdfff && cp < 0xfffe) || cp > 0xffff;
}

function escapeCodePoint(cp: number): string {
  if (cp === 10) return '\\n';
  if (cp === 9) return '\\t';
  if (cp === 13) return '\\r';
  return `\\u${cp.toString(16).padStart(4, '0')}`;
}

/**
 * A DOT id: quoted, with `"`, `\`, `%` and characters that are not printable percent-encoded
 * (`%22`, `%5C`, `%25`, `%uXXXX`), so nothing in it can end or escape the quotes (in DOT, `\"`
 * is an escaped quote even after another backslash).
 */
export function dotId(id: string): string {
  let out = '';
  for (const ch of id) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\' || ch === '%') out += `%${cp.toString(16).toUpperCase()}`;
    else if (!visible(cp)) out += cp < 0x100 ? `%${cp.toString(16).toUpperCase().padStart(2, '0')}` : `%u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return `"${out}"`;
}

/** Text for a Graphviz HTML-like label: XML-escaped, characters XML cannot carry shown as escapes. */
export function dotHtml(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else if (ch === "'") out += '&#39;';
    else if (!visible(cp)) out += escapeCodePoint(cp);
    else out += ch;
  }
  return out;
}

export function renderDot(graph: RbacGraph): string {
  const lines = [
    'digraph rbac {',
    '  graph [rankdir=LR, fontname="Helvetica"];',
    '  node [fontname="Helvetica", fontsize=10, style=filled];',
    '  edge [fontname="Helvetica", fontsize=9, color="#4b5563"];',
  ];
  for (const node of graph.nodes) {
    const style = STYLE[node.kind];
    const kind = node.kind === 'Workload' ? (node.workloadKind ?? 'Workload') : node.kind;
    const dashed = node.aggregated || node.missing ? ', style="filled,dashed"' : '';
    const color = node.missing ? '#fee2e2' : style.fill;
    lines.push(`  ${dotId(node.id)} [${style.dot}${dashed}, fillcolor="${color}", color="${style.stroke}", label=<<B>${dotHtml(kind)}</B><BR/>${dotHtml(node.label)}>];`);
  }
  for (const edge of graph.edges) {
    const attrs: string[] = [];
    if (EDGE_LABEL[edge.kind]) attrs.push(`label="${EDGE_LABEL[edge.kind]}"`);
    if (edge.kind === 'aggregates') attrs.push('style=dashed');
    if (edge.kind === 'runsAs') attrs.push('style=dotted');
    lines.push(`  ${dotId(edge.from)} -> ${dotId(edge.to)}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Text inside a quoted Mermaid label: entity codes for the characters its parser or its HTML would read (and `\\`, so none can touch the closing quote). */
export function mermaidText(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '#quot;';
    else if (ch === '#') out += '#35;';
    else if (ch === '&') out += '#amp;';
    else if (ch === '<') out += '#lt;';
    else if (ch === '>') out += '#gt;';
    else if (ch === '`') out += '#96;';
    else if (ch === '\\') out += '#92;';
    else if (!visible(cp)) out += escapeCodePoint(cp).replace(/\\/g, '#92;');
    else out += ch;
  }
  return out;
}

export function renderMermaid(graph: RbacGraph): string {
  const lines = ['flowchart LR'];
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const classes = new Map<string, string[]>();
  for (const node of graph.nodes) {
    const id = ids.get(node.id)!;
    const [open, close] = STYLE[node.kind].mermaid;
    const kind = node.kind === 'Workload' ? (node.workloadKind ?? 'Workload') : node.kind;
    lines.push(`  ${id}${open}"${mermaidText(kind)}<br/>${mermaidText(node.label)}"${close}`);
    const cls = node.missing ? 'missing' : node.aggregated ? 'aggregated' : node.kind.toLowerCase();
    const list = classes.get(cls);
    if (list) list.push(id);
    else classes.set(cls, [id]);
  }
  for (const edge of graph.edges) {
    const label = EDGE_LABEL[edge.kind];
    const arrow = edge.kind === 'aggregates' || edge.kind === 'runsAs' ? '-.->' : '-->';
    lines.push(`  ${ids.get(edge.from)} ${arrow}${label ? `|${label}|` : ''} ${ids.get(edge.to)}`);
  }
  for (const kind of Object.keys(STYLE) as GraphNodeKind[]) {
    lines.push(`  classDef ${kind.toLowerCase()} fill:${STYLE[kind].fill},stroke:${STYLE[kind].stroke}`);
  }
  lines.push('  classDef aggregated fill:#fde68a,stroke:#92400e,stroke-dasharray:4 3', '  classDef missing fill:#fee2e2,stroke:#991b1b,stroke-dasharray:4 3');
  for (const [cls, list] of classes) lines.push(`  class ${list.join(',')} ${cls}`);
  return `${lines.join('\n')}\n`;
}

export function renderGraphJson(graph: RbacGraph): string {
  return `${JSON.stringify(graph, null, 2)}\n`;
}
