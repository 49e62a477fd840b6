// The RBAC graph: nodes and edges of a small RBAC set (aggregation chain, missing role, dropped
// subjects, workloads), its filters, and its three renderings — DOT checked by a minimal parser
// that follows Graphviz's own lexer (and by `dot` itself when installed), Mermaid by its statement
// forms — on hostile names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dedent, inventoryFromYaml } from '../../test/support.js';
import { requireTool } from '../../test/e2e-tools.js';
import { loadInventory } from '../inventory/index.js';
import { runGraph, type GraphCommandOptions, type RbacExtraIo } from '../cli/rbac-extra.js';
import { buildRbacGraph, dotId, renderDot, renderGraphJson, renderMermaid, type GraphOptions, type RbacGraph } from './graph.js';

const RBAC = dedent(`
  apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: view, labels: {example.com/aggregate-to-edit: "true"}}
  aggregationRule:
    clusterRoleSelectors: [{matchLabels: {example.com/aggregate-to-view: "true"}}]
  ---
  apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: view-pods, labels: {example.com/aggregate-to-view: "true"}}
  rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
  ---
  apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: edit}
  aggregationRule:
    clusterRoleSelectors: [{matchLabels: {example.com/aggregate-to-edit: "true"}}]
  ---
  apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: edit-deploy, labels: {example.com/aggregate-to-edit: "true"}}
  rules: [{apiGroups: [apps], resources: [deployments], verbs: [update]}]
  ---
  apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: unbound}
  rules: [{apiGroups: [""], resources: [nodes], verbs: [get]}]
  ---
  apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata: {name: viewers}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
  subjects: [{kind: Group, name: devs}, {kind: User, name: alice}]
  ---
  apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata: {name: monitoring}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
  subjects:
    - {kind: ServiceAccount, name: prom, namespace: monitoring}
    - {kind: ServiceAccount, name: no-namespace}   # never matches: left out
    - {kind: user, name: lowercase}                # not a subject kind: left out
  ---
  apiVersion: rbac.authorization.k8s.io/v1
  kind: RoleBinding
  metadata: {name: deployers, namespace: shop}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
  subjects: [{kind: ServiceAccount, name: deployer}, {kind: User, name: ci-bot}]
  ---
  apiVersion: rbac.authorization.k8s.io/v1
  kind: RoleBinding
  metadata: {name: missing, namespace: shop}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: gone}
  subjects: [{kind: User, name: bob}]
  ---
  apiVersion: rbac.authorization.k8s.io/v1
  kind: Role
  metadata: {name: own, namespace: shop}
  rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
  ---
  apiVersion: rbac.authorization.k8s.io/v1
  kind: RoleBinding
  metadata: {name: own-binding, namespace: shop}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: own}
  subjects: [{kind: Group, name: shop-team}]
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    template:
      spec:
        serviceAccountName: deployer
        containers: [{name: web, image: web:1}]
  ---
  apiVersion: v1
  kind: Pod
  metadata: {name: debug, namespace: shop}
  spec: {containers: [{name: sh, image: busybox:1}]}
  ---
  apiVersion: batch/v1
  kind: CronJob
  metadata: {name: report, namespace: monitoring}
  spec: {jobTemplate: {spec: {template: {spec: {serviceAccountName: prom, containers: [{name: r, image: r:1}]}}}}}
`);

const graphOf = (options: GraphOptions = {}, yaml = RBAC): RbacGraph => buildRbacGraph(inventoryFromYaml(yaml), options);
const ids = (g: RbacGraph): string[] => g.nodes.map((n) => n.id);
const edges = (g: RbacGraph): string[] => g.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`);

test('the whole graph: subjects → bindings → roles, aggregation chains, missing roles, dropped subjects', () => {
  const g = graphOf();
  assert.deepEqual(ids(g), [
    'User:alice', 'User:bob', 'User:ci-bot',
    'Group:devs', 'Group:shop-team',
    'ServiceAccount:monitoring/prom', 'ServiceAccount:shop/deployer',
    'ClusterRoleBinding:monitoring', 'ClusterRoleBinding:viewers',
    'RoleBinding:shop/deployers', 'RoleBinding:shop/missing', 'RoleBinding:shop/own-binding',
    'ClusterRole:edit', 'ClusterRole:edit-deploy', 'ClusterRole:unbound', 'ClusterRole:view', 'ClusterRole:view-pods',
    'Role:shop/gone', 'Role:shop/own',
  ]);
  assert.deepEqual(edges(g), [
    'User:alice -subject-> ClusterRoleBinding:viewers',
    'User:bob -subject-> RoleBinding:shop/missing',
    'User:ci-bot -subject-> RoleBinding:shop/deployers',
    'Group:devs -subject-> ClusterRoleBinding:viewers',
    'Group:shop-team -subject-> RoleBinding:shop/own-binding',
    'ServiceAccount:monitoring/prom -subject-> ClusterRoleBinding:monitoring',
    'ServiceAccount:shop/deployer -subject-> RoleBinding:shop/deployers', // its namespace is the RoleBinding's
    'ClusterRoleBinding:monitoring -roleRef-> ClusterRole:view',
    'ClusterRoleBinding:viewers -roleRef-> ClusterRole:view',
    'RoleBinding:shop/deployers -roleRef-> ClusterRole:edit',
    'RoleBinding:shop/missing -roleRef-> Role:shop/gone',
    'RoleBinding:shop/own-binding -roleRef-> Role:shop/own',
    'ClusterRole:edit -aggregates-> ClusterRole:edit-deploy',
    'ClusterRole:edit -aggregates-> ClusterRole:view', // view is itself aggregated: the chain edit ← view ← view-pods
    'ClusterRole:view -aggregates-> ClusterRole:view-pods',
  ]);
  const node = (id: string): RbacGraph['nodes'][number] => g.nodes.find((n) => n.id === id)!;
  assert.deepEqual(node('ClusterRole:view'), { id: 'ClusterRole:view', kind: 'ClusterRole', label: 'view (aggregated)', name: 'view', aggregated: true, source: { file: 'test.yaml', line: 1 } });
  assert.deepEqual(node('Role:shop/gone'), { id: 'Role:shop/gone', kind: 'Role', label: 'shop/gone (missing)', name: 'gone', namespace: 'shop', missing: true });
  assert.deepEqual(node('ServiceAccount:shop/deployer'), { id: 'ServiceAccount:shop/deployer', kind: 'ServiceAccount', label: 'shop/deployer', name: 'deployer', namespace: 'shop' });
});

test('JSON: {nodes: [{id, kind, label, …}], edges: [{from, to, kind}]}, every edge between known nodes', () => {
  const parsed = JSON.parse(renderGraphJson(graphOf({ workloads: true }))) as { nodes: Record<string, unknown>[]; edges: Record<string, unknown>[] };
  assert.deepEqual(Object.keys(parsed), ['nodes', 'edges']);
  const known = new Set(parsed.nodes.map((n) => n.id));
  assert.equal(known.size, parsed.nodes.length, 'ids are unique');
  for (const n of parsed.nodes) {
    assert.equal(typeof n.id, 'string');
    assert.ok(['User', 'Group', 'ServiceAccount', 'RoleBinding', 'ClusterRoleBinding', 'Role', 'ClusterRole', 'Workload'].includes(n.kind as string));
    assert.equal(typeof n.label, 'string');
  }
  for (const e of parsed.edges) {
    assert.deepEqual(Object.keys(e), ['from', 'to', 'kind']);
    assert.ok(known.has(e.from) && known.has(e.to), JSON.stringify(e));
    assert.ok(['subject', 'roleRef', 'aggregates', 'runsAs'].includes(e.kind as string));
  }
});

test('--workloads: each workload → the ServiceAccount it runs as (default when none is named)', () => {
  const g = graphOf({ workloads: true });
  assert.deepEqual(ids(g).slice(0, 3), ['CronJob:monitoring/report', 'Deployment:shop/web', 'Pod:shop/debug']);
  assert.deepEqual(g.nodes.find((n) => n.id === 'Pod:shop/debug'), { id: 'Pod:shop/debug', kind: 'Workload', label: 'shop/debug', name: 'debug', namespace: 'shop', workloadKind: 'Pod', source: { file: 'test.yaml', line: 75 } });
  assert.deepEqual(edges(g).filter((e) => e.includes('-runsAs->')), [
    'CronJob:monitoring/report -runsAs-> ServiceAccount:monitoring/prom',
    'Deployment:shop/web -runsAs-> ServiceAccount:shop/deployer',
    'Pod:shop/debug -runsAs-> ServiceAccount:shop/default', // bound by nothing: still shown
  ]);
});

test('--subject: what reaches the roles from one user, group or ServiceAccount', () => {
  const alice = graphOf({ subject: 'alice' });
  assert.deepEqual(ids(alice), ['User:alice', 'ClusterRoleBinding:viewers', 'ClusterRole:view', 'ClusterRole:view-pods']);
  assert.deepEqual(edges(alice), ['User:alice -subject-> ClusterRoleBinding:viewers', 'ClusterRoleBinding:viewers -roleRef-> ClusterRole:view', 'ClusterRole:view -aggregates-> ClusterRole:view-pods']);
  assert.deepEqual(ids(graphOf({ subject: 'group:devs' })), ['Group:devs', 'ClusterRoleBinding:viewers', 'ClusterRole:view', 'ClusterRole:view-pods']);
  const sa = graphOf({ subject: 'system:serviceaccount:shop:deployer', workloads: true });
  assert.deepEqual(ids(sa), ['Deployment:shop/web', 'ServiceAccount:shop/deployer', 'RoleBinding:shop/deployers', 'ClusterRole:edit', 'ClusterRole:edit-deploy', 'ClusterRole:view', 'ClusterRole:view-pods']);
  assert.deepEqual(edges(sa)[0], 'Deployment:shop/web -runsAs-> ServiceAccount:shop/deployer');
  // a subject nothing binds is shown alone
  assert.deepEqual(graphOf({ subject: 'nobody' }), { nodes: [{ id: 'User:nobody', kind: 'User', label: 'nobody', name: 'nobody' }], edges: [] });
});

test('--namespace: its RoleBindings, and ClusterRoleBindings of its ServiceAccounts (only those subjects)', () => {
  assert.deepEqual(ids(graphOf({ namespace: 'shop' })), [
    'User:bob', 'User:ci-bot', 'Group:shop-team', 'ServiceAccount:shop/deployer',
    'RoleBinding:shop/deployers', 'RoleBinding:shop/missing', 'RoleBinding:shop/own-binding',
    'ClusterRole:edit', 'ClusterRole:edit-deploy', 'ClusterRole:view', 'ClusterRole:view-pods', 'Role:shop/gone', 'Role:shop/own',
  ]);
  const monitoring = graphOf({ namespace: 'monitoring', workloads: true });
  assert.deepEqual(ids(monitoring), ['CronJob:monitoring/report', 'ServiceAccount:monitoring/prom', 'ClusterRoleBinding:monitoring', 'ClusterRole:view', 'ClusterRole:view-pods']);
  assert.deepEqual(ids(graphOf({ namespace: 'shop', subject: 'bob' })), ['User:bob', 'RoleBinding:shop/missing', 'Role:shop/gone']);
  assert.deepEqual(ids(graphOf({ namespace: 'monitoring', subject: 'bob' })), ['User:bob']);
});

// ---------------------------------------------------------------- a minimal DOT parser

interface DotGraph { nodes: Map<string, Record<string, string>>; edges: { from: string; to: string; attrs: Record<string, string> }[] }

/**
 * Tokens as Graphviz's scanner (lib/cgraph/scan.l) reads them: in a quoted string only `\"` is an
 * escape (so `\\"` is a backslash and an escaped quote: the string goes on), `\` + newline joins
 * lines; an HTML string runs to its matching `>`. Then the grammar subset kubeward writes:
 * digraph ID { (node | edge | attr statements ;)* }.
 */
function parseDot(text: string): DotGraph {
  const tokens: { t: 'id' | 'html' | 'op'; v: string }[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted string');
        const ch = text[i]!;
        if (ch === '"') { i++; break; }
        if (ch === '\\' && text[i + 1] === '"') { v += '"'; i += 2; continue; }
        if (ch === '\\' && text[i + 1] === '\n') { i += 2; continue; }
        if (ch === '\n') throw new Error('raw newline in a quoted string (kubeward never writes one)');
        v += ch;
        i++;
      }
      tokens.push({ t: 'id', v });
      continue;
    }
    if (c === '<') {
      let depth = 0;
      let v = '';
      do {
        if (i >= text.length) throw new Error('unterminated HTML string');
        const ch = text[i++]!;
        if (ch === '<') depth++;
        if (ch === '>') depth--;
        v += ch;
      } while (depth > 0);
      tokens.push({ t: 'html', v: v.slice(1, -1) });
      continue;
    }
    if (text.startsWith('->', i)) { tokens.push({ t: 'op', v: '->' }); i += 2; continue; }
    if ('{}[]=,;'.includes(c)) { tokens.push({ t: 'op', v: c }); i++; continue; }
    const m = /^(-?(\.[0-9]+|[0-9]+(\.[0-9]*)?)|[A-Za-z_\u0080-\uffff][A-Za-z_0-9\u0080-\uffff]*)/.exec(text.slice(i));
    if (!m) throw new Error(`unexpected ${JSON.stringify(text.slice(i, i + 20))}`);
    tokens.push({ t: 'id', v: m[0] });
    i += m[0].length;
  }
  let p = 0;
  const peek = (): { t: string; v: string } | undefined => tokens[p];
  const expect = (v: string): void => {
    const tok = tokens[p++];
    if (!tok || tok.t !== 'op' || tok.v !== v) throw new Error(`expected ${v}, got ${JSON.stringify(tok)}`);
  };
  const id = (): string => {
    const tok = tokens[p++];
    if (!tok || tok.t === 'op') throw new Error(`expected an ID, got ${JSON.stringify(tok)}`);
    return tok.v;
  };
  const attrs = (): Record<string, string> => {
    const out: Record<string, string> = {};
    while (peek()?.v === '[') {
      p++;
      while (peek()?.v !== ']') {
        const k = id();
        expect('=');
        out[k] = id();
        if (peek()?.v === ',' || peek()?.v === ';') p++;
      }
      expect(']');
    }
    return out;
  };
  const graph: DotGraph = { nodes: new Map(), edges: [] };
  if (id() !== 'digraph') throw new Error('not a digraph');
  if (peek()?.t !== 'op') id();
  expect('{');
  while (peek() && peek()!.v !== '}') {
    const first = id();
    if (['graph', 'node', 'edge'].includes(first) && peek()?.v === '[') attrs();
    else if (peek()?.v === '->') {
      const chain = [first];
      while (peek()?.v === '->') {
        p++;
        chain.push(id());
      }
      const a = attrs();
      for (let k = 1; k < chain.length; k++) graph.edges.push({ from: chain[k - 1]!, to: chain[k]!, attrs: a });
    } else {
      if (graph.nodes.has(first)) throw new Error(`node ${first} declared twice`);
      graph.nodes.set(first, attrs());
    }
    if (peek()?.v === ';') p++;
  }
  expect('}');
  if (p !== tokens.length) throw new Error('text after the graph');
  return graph;
}

/** The text an HTML label shows (kubeward writes <B>, </B> and <BR/> only). */
function htmlText(label: string): string {
  assert.ok(!/<(?!\/?B>|BR\/>)/.test(label), `unexpected markup in ${label}`);
  return label.replace(/<BR\/>/g, '\n').replace(/<\/?B>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** The inverse of dotId's percent-encoding. */
function undot(id: string): string {
  return id.replace(/%u([0-9A-F]{4,6})|%([0-9A-F]{2})/g, (_, u: string | undefined, b: string | undefined) => String.fromCodePoint(parseInt((u ?? b)!, 16)));
}

/** How kubeward shows a character a label cannot carry. */
function shown(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const ok = (cp >= 0x20 && cp < 0x7f) || (cp > 0x9f && cp < 0xd800) || (cp > 0xdfff && cp < 0xfffe) || cp > 0xffff;
    out += ok ? ch : cp === 10 ? '\\n' : cp === 9 ? '\\t' : cp === 13 ? '\\r' : `\\u${cp.toString(16).padStart(4, '0')}`;
  }
  return out;
}

const HOSTILE = ['ends-with\\', 'q"uote', '\\"', 'new\nline', 'tab\there', '<b>&amp;</b>', 'ctl\u0001\u007f\u0085', 'lone\ud800', '😀 emoji', '%41', 'end', 'subgraph', '#quot;', '`md`', 'semi;colon', '-->|x|', '[x]', '{y}', 'a -> b', '', ' '];
const hostileYaml = HOSTILE.map((n, i) => JSON.stringify({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `b${n}`, namespace: `ns${n}` },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: i % 2 ? 'Role' : 'ClusterRole', name: `r${n}` },
  subjects: [{ kind: 'User', name: n || 'empty' }, { kind: 'Group', name: `g${n}` }, { kind: 'ServiceAccount', name: `s${n}` }],
})).join('\n---\n');

test('the DOT checker follows Graphviz: a backslash before the closing quote does not close it', () => {
  assert.throws(() => parseDot('digraph g { "ends\\\\" [label="x"]; }'), /unterminated|expected|unexpected/);
  assert.throws(() => parseDot('digraph g { "a" -> ; }'));
  assert.deepEqual([...parseDot('digraph g { "a\\"b" [label=<x<BR/>y>]; }').nodes], [['a"b', { label: 'x<BR/>y' }]]);
});

test('DOT: parses, and every id and label survives hostile names', () => {
  const g = graphOf({}, hostileYaml);
  assert.equal(g.nodes.length, HOSTILE.length * 5);
  const dot = parseDot(renderDot(g));
  assert.deepEqual([...dot.nodes.keys()].map(undot), ids(g));
  assert.deepEqual(dot.edges.map((e) => `${undot(e.from)} -> ${undot(e.to)}`), g.edges.map((e) => `${e.from} -> ${e.to}`));
  for (const node of g.nodes) {
    const attrs = dot.nodes.get(dotId(node.id).slice(1, -1))!;
    assert.equal(htmlText(attrs.label!), `${node.kind}\n${shown(node.label)}`, node.id);
  }
  // the ids written are quoted, and nothing in them can escape the quotes
  for (const line of renderDot(g).split('\n').slice(4, -2)) assert.match(line, /^ {2}"[^"\\]*"( -> "[^"\\]*")?( \[.*\])?;$/);
});

test('DOT of the shared RBAC fixtures parses', async () => {
  const loaded = await loadInventory([fileURLToPath(new URL('../../test/fixtures/rbac', import.meta.url))]);
  const g = buildRbacGraph(loaded.inventory, { workloads: true });
  const dot = parseDot(renderDot(g));
  assert.equal(dot.nodes.size, g.nodes.length);
  assert.equal(dot.edges.length, g.edges.length);
  assert.ok(g.nodes.some((n) => n.aggregated), 'the default policy has aggregated roles');
});

test('Graphviz itself reads the DOT (hostile names included) with the same nodes, labels and edges', (t) => {
  const skip = requireTool('dot', ['-V']);
  if (skip) return t.skip(skip);
  for (const yaml of [RBAC, hostileYaml]) {
    const g = graphOf({ workloads: true }, yaml);
    const r = spawnSync('dot', ['-Tjson'], { input: renderDot(g), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', 'no warnings');
    const out = JSON.parse(r.stdout) as { objects: { name: string; label: string }[]; edges: unknown[] };
    assert.deepEqual(out.objects.map((o) => undot(o.name)), ids(g));
    assert.deepEqual(out.objects.map((o) => htmlText(o.label)), g.nodes.map((n) => `${n.kind === 'Workload' ? n.workloadKind : n.kind}\n${shown(n.label)}`));
    assert.equal(out.edges.length, g.edges.length);
  }
});

// ---------------------------------------------------------------- Mermaid

/** Mermaid flowchart statements kubeward writes: nodes with quoted labels, edges, classDef, class. */
function parseMermaid(text: string): { nodes: Map<string, string>; edges: string[] } {
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], 'flowchart LR');
  const nodes = new Map<string, string>();
  const edges: string[] = [];
  const shapes: Record<string, string> = { '([': '])', '[[': ']]', '{{': '}}', '[': ']' };
  for (const line of lines.slice(1)) {
    let m = /^ {2}(n\d+)(\(\[|\[\[|\{\{|\[)"([^"]*)"(\]\)|\]\]|\}\}|\])$/.exec(line);
    if (m) {
      assert.equal(shapes[m[2]!], m[4], `shape of ${line}`);
      const label = m[3]!;
      // nothing in the label that Mermaid's lexer or its HTML would read: only <br/> and entity codes
      assert.ok(!/[<>`\\\u0000-\u001f]/.test(label.replace(/<br\/>/g, '')), line);
      assert.ok(!/#(?![a-z]+;|\d+;)/.test(label), `a bare # in ${line}`);
      assert.ok(!nodes.has(m[1]!));
      nodes.set(m[1]!, label.replace(/<br\/>/g, '\n').replace(/#(\w+);/g, (_, code: string) => (/^\d+$/.test(code) ? String.fromCodePoint(Number(code)) : ({ quot: '"', amp: '&', lt: '<', gt: '>' } as Record<string, string>)[code]!)));
      continue;
    }
    m = /^ {2}(n\d+) (-->|-\.->)(\|[a-z ]+\|)? (n\d+)$/.exec(line);
    if (m) {
      assert.ok(nodes.has(m[1]!) && nodes.has(m[4]!), `edge before its nodes: ${line}`);
      edges.push(`${m[1]} ${m[4]}`);
      continue;
    }
    if (/^ {2}classDef [a-z]+ [a-z-]+:[#0-9a-z ]+(,[a-z-]+:[#0-9a-z ]+)*$/.test(line)) continue;
    if (/^ {2}class n\d+(,n\d+)* [a-z]+$/.test(line)) continue;
    assert.fail(`not a statement kubeward writes: ${JSON.stringify(line)}`);
  }
  return { nodes, edges };
}

test('Mermaid: valid statements, labels escaped, every hostile name shown as it is', () => {
  for (const yaml of [RBAC, hostileYaml]) {
    const g = graphOf({ workloads: true }, yaml);
    const m = parseMermaid(renderMermaid(g));
    assert.deepEqual([...m.nodes.values()], g.nodes.map((n) => `${n.kind === 'Workload' ? n.workloadKind : n.kind}\n${shown(n.label)}`));
    const index = new Map(g.nodes.map((n, i) => [n.id, `n${i}`]));
    assert.deepEqual(m.edges, g.edges.map((e) => `${index.get(e.from)} ${index.get(e.to)}`));
  }
});

// ---------------------------------------------------------------- CLI

async function run(options: GraphCommandOptions, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const { Readable } = await import('node:stream');
  const io: RbacExtraIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), ...(stdin !== undefined ? { stdin: Readable.from([stdin]) } : {}) };
  return { code: await runGraph(options, io), stdout, stderr };
}

test('kubeward rbac graph: formats, filters, usage and input errors', async () => {
  const json = await run({ filename: ['-'], format: 'json', subject: 'alice' }, RBAC);
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual((JSON.parse(json.stdout) as RbacGraph).nodes.map((n) => n.id), ['User:alice', 'ClusterRoleBinding:viewers', 'ClusterRole:view', 'ClusterRole:view-pods']);
  const dot = await run({ filename: ['-'], namespace: 'monitoring', workloads: true }, RBAC);
  assert.equal(dot.code, 0);
  assert.equal(parseDot(dot.stdout).nodes.size, 5);
  const mermaid = await run({ filename: ['-'], format: 'mermaid' }, RBAC);
  assert.equal(parseMermaid(mermaid.stdout).nodes.size, 19);

  for (const [options, message] of [
    [{}, /^kubeward: no input: give manifests with -f PATH/],
    [{ filename: ['-'], subject: '' }, /^kubeward: --subject is empty\n$/],
    [{ filename: ['-'], subject: 'group:' }, /^kubeward: --subject is empty\n$/],
    [{ filename: ['-'], subject: 'system:serviceaccount:x' }, /^kubeward: invalid service account/],
    [{ filename: ['-'], namespace: '' }, /^kubeward: --namespace is empty\n$/],
  ] as [GraphCommandOptions, RegExp][]) {
    const r = await run(options, RBAC);
    assert.equal(r.code, 2, JSON.stringify(options));
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
  const broken = await run({ filename: ['-', '/nonexistent/rbac.yaml'], quiet: true }, `${RBAC}\n---\nkind: [unclosed\n`);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /^kubeward: 2 input error\(s\); the rest was read:\n {2}/);
  assert.match(broken.stderr, /^ {2}\/nonexistent\/rbac\.yaml: /m);
  assert.equal(parseDot(broken.stdout).nodes.size, 19, 'the graph of what was read');
});
