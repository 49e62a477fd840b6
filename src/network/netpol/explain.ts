/** Why a connection is allowed or denied: every policy and rule that decided it, on each side. */
import { ConnSet, type Protocol } from './connset.js';
import type { Endpoint, NetpolEngine, Step } from './engine.js';

export interface Explanation {
  src: string;
  dst: string;
  /** Everything allowed from src to dst. */
  allowed: ConnSet;
  /** When a port was asked about: whether it is allowed. */
  port?: { protocol: Protocol; port: number; allowed: boolean };
  steps: Step[];
}

function idOf(e: Endpoint): string {
  return e.kind === 'workload' ? e.workload.id : e.external.id;
}

export function explainConnection(engine: NetpolEngine, src: Endpoint, dst: Endpoint, port?: { protocol: Protocol; port: number }): Explanation {
  const steps: Step[] = [];
  const allowed = engine.allowed(src, dst, steps);
  const relevant = port ? steps.filter((s) => s.action === 'Isolated' || s.conns.has(port.protocol, port.port)) : steps;
  return {
    src: idOf(src), dst: idOf(dst), allowed,
    ...(port ? { port: { ...port, allowed: allowed.has(port.protocol, port.port) } } : {}),
    steps: relevant,
  };
}

export function formatExplanation(e: Explanation): string {
  const lines: string[] = [];
  if (e.port) lines.push(`${e.src} => ${e.dst} ${e.port.protocol} ${e.port.port}: ${e.port.allowed ? 'ALLOWED' : 'DENIED'}`);
  lines.push(`${e.src} => ${e.dst} : ${e.allowed.toString()}`);
  for (const direction of ['Egress', 'Ingress'] as const) {
    const who = direction === 'Egress' ? `egress of ${e.src}` : `ingress of ${e.dst}`;
    const own = e.steps.filter((s) => s.direction === direction);
    lines.push(`  ${who}:`);
    if (own.length === 0) {
      const external = direction === 'Egress' ? e.src.endsWith('[External]') : e.dst.endsWith('[External]');
      lines.push(external ? '    external peer: no policy applies' : '    nothing matches: denied');
      continue;
    }
    for (const s of own) {
      const where = s.layer === 'default' ? '[default]' : `[${s.layer === 'NP' ? 'NPv1' : s.layer}] ${s.policy}${s.rule ? ` ${s.rule}` : ''}`;
      const what = s.action === 'Isolated' ? 'selects the pod (isolated), no rule matches' : s.action === 'Not isolated' ? 'no policy selects the pod for this direction: allowed' : s.action;
      lines.push(`    ${where}: ${what}${s.action === 'Isolated' ? '' : ` — ${s.conns.toString()}`}`);
    }
  }
  return lines.join('\n') + '\n';
}
