import type { Severity } from '../../core/severity.js';
import { MAX_LINE_CHARS } from './lines.js';
import { isPlaceholderValue, ruleAppliesTo, SECRET_RULES, secretRule, type SecretRule } from './rules.js';

// Applies the rules to text one line at a time, keeping only what a finding needs: rule, position
// and a masked excerpt. The secret itself never leaves this file.

/** One secret seen: never the secret, only enough to find and recognise it. */
export interface SecretMatch {
  ruleId: string;
  title: string;
  severity: Severity;
  /** 1-based line and column in the scanned text. */
  line: number;
  column: number;
  /** `ghp_…(40 chars)`: see maskSecret. */
  excerpt: string;
}

/** At most this many matches are kept per file or text; the rest are counted. */
export const MAX_MATCHES_PER_FILE = 100;

/**
 * How a secret is shown: its first 4 characters (only when it is 12 characters or more, so a short
 * password is not half given away), an ellipsis and its length, e.g. `AKIA…(20 chars)`.
 */
export function maskSecret(secret: string): string {
  const prefix = secret.length >= 12 ? secret.slice(0, 4) : '';
  return `${prefix}…(${secret.length} chars)`;
}

/** Candidates kept before per-line resolution (fallback and superseded matches are dropped then). */
const MAX_CANDIDATES = 4 * MAX_MATCHES_PER_FILE;

interface Candidate { rule: SecretRule; line: number; column: number; excerpt: string }
interface Pending { candidate: Candidate; linesLeft: number }

const COMMENT = /^\s*[#;]/;

/** Matches of one rule on one line, after allow-lists and placeholders. */
function matchLine(rule: SecretRule, line: string, lineNo: number): Candidate[] {
  const out: Candidate[] = [];
  rule.compiled.lastIndex = 0;
  for (const match of line.matchAll(rule.compiled)) {
    const secret = match[rule.secretGroup];
    if (secret === undefined || secret === '') continue;
    if (rule.allowCompiled.some((r) => r.test(secret))) continue;
    if (rule.placeholders && isPlaceholderValue(secret)) continue;
    const offset = rule.secretGroup === 0 ? 0 : match[0].indexOf(secret);
    out.push({ rule, line: lineNo, column: (match.index ?? 0) + Math.max(offset, 0) + 1, excerpt: maskSecret(secret) });
  }
  return out;
}

/** One case-insensitive regex matching any of the keywords (lower-case literals), compiled once per rule set. */
const prefilters = new Map<string, RegExp>();
function keywordPrefilter(keywords: readonly string[]): RegExp {
  const key = keywords.join('\u0000');
  const known = prefilters.get(key);
  if (known) return known;
  const escaped = [...new Set(keywords)].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const compiled = new RegExp(escaped.join('|'), 'i');
  prefilters.set(key, compiled);
  return compiled;
}

/** Keeps the specific match when a fallback rule and a specific one, or a superseding pair, hit the same line. */
function resolveLine(candidates: Candidate[]): Candidate[] {
  if (candidates.length < 2) return candidates;
  const specific = candidates.some((c) => !c.rule.fallback);
  const superseded = new Set(candidates.flatMap((c) => c.rule.supersedes));
  return candidates.filter((c) => !(specific && c.rule.fallback) && !superseded.has(c.rule.id));
}

/** Scans one file (or one text) line by line; state spans lines for `next` and `requires` rules. */
export class SecretScanner {
  private readonly rules: SecretRule[];
  private readonly needsRequires: SecretRule[];
  private readonly requiresSeen = new Set<string>();
  private readonly pending: Pending[] = [];
  private readonly kept: Candidate[] = [];
  /** Matches beyond MAX_MATCHES_PER_FILE, counted but not kept. */
  omitted = 0;

  /** `path` selects path-bound rules (config-file rules, .npmrc); undefined = free text (env, labels, history). */
  /** Any keyword of any rule (or of a rule's `requires`): most lines have none and are skipped with one test. */
  private readonly anyKeyword: RegExp | undefined;

  constructor(path?: string, rules: readonly SecretRule[] = SECRET_RULES) {
    this.rules = rules.filter((r) => ruleAppliesTo(r, path));
    this.needsRequires = this.rules.filter((r) => r.requiresCompiled !== undefined);
    this.anyKeyword = this.rules.every((r) => r.keywords.length > 0) ? keywordPrefilter([...this.rules.flatMap((r) => r.keywords), ...this.needsRequires.flatMap((r) => r.requires!.keywords)]) : undefined;
  }

  /** Feeds the next line (without its newline). */
  line(text: string, lineNo: number): void {
    if (this.pending.length > 0) this.advancePending(text);
    if (this.anyKeyword && !this.anyKeyword.test(text)) return;
    const lower = text.toLowerCase();
    for (const rule of this.needsRequires) {
      if (this.requiresSeen.has(rule.id) || !rule.requires!.keywords.some((k) => lower.includes(k))) continue;
      if (rule.requiresCompiled!.test(text)) this.requiresSeen.add(rule.id);
    }
    const comment = COMMENT.test(text);
    const candidates: Candidate[] = [];
    for (const rule of this.rules) {
      if (rule.skipComments && comment) continue;
      if (rule.keywords.length > 0 && !rule.keywords.some((k) => lower.includes(k))) continue;
      candidates.push(...matchLine(rule, text, lineNo));
    }
    for (const candidate of candidates) {
      if (candidate.rule.next) this.pending.push({ candidate, linesLeft: candidate.rule.next.lines });
      else this.keep(candidate);
    }
  }

  /** The matches of the whole text, in line order. */
  finish(): SecretMatch[] {
    for (const p of this.pending.splice(0)) this.keep(p.candidate);
    // File-level conditions first, so a match dropped for lack of its condition supersedes nothing.
    const byLine = new Map<number, Candidate[]>();
    for (const c of this.kept) {
      if (c.rule.requiresCompiled && !this.requiresSeen.has(c.rule.id)) continue;
      byLine.set(c.line, [...(byLine.get(c.line) ?? []), c]);
    }
    const resolved = [...byLine.values()].flatMap(resolveLine).sort((a, b) => a.line - b.line || a.column - b.column);
    this.omitted += Math.max(0, resolved.length - MAX_MATCHES_PER_FILE);
    return resolved.slice(0, MAX_MATCHES_PER_FILE)
      .map((c) => ({ ruleId: c.rule.id, title: c.rule.title, severity: c.rule.severity, line: c.line, column: c.column, excerpt: c.excerpt }));
  }

  /** A pending match becomes its `next.rule` when a following line matches, else stays after `lines` lines. */
  private advancePending(text: string): void {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const p = this.pending[i]!;
      const next = p.candidate.rule.next!;
      if (p.candidate.rule.nextCompiled!.test(text)) {
        this.pending.splice(i, 1);
        this.keep({ ...p.candidate, rule: secretRule(next.rule)! });
      } else if (--p.linesLeft === 0) {
        this.pending.splice(i, 1);
        this.keep(p.candidate);
      }
    }
  }

  /** Raw candidates are bounded too (some are dropped when lines are resolved). */
  private keep(candidate: Candidate): void {
    if (this.kept.length >= MAX_CANDIDATES) this.omitted++;
    else this.kept.push(candidate);
  }
}

/** A secret found in a config value (`config.Env[2]`, `config.Labels["x"]`, `history[3].created_by`). */
export interface TextSecretMatch extends SecretMatch {
  /** Where the text came from, as given. */
  where: string;
}

/** Scans a short text (an env entry, a label, a build step) with every rule that is not bound to a file type. */
export function scanTextForSecrets(text: string, where: string): TextSecretMatch[] {
  const scanner = new SecretScanner();
  text.split(/\r?\n/).forEach((line, index) => scanner.line(line.slice(0, MAX_LINE_CHARS), index + 1));
  return scanner.finish().map((m) => ({ ...m, where }));
}
