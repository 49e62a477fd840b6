import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScanResult } from '../core/scan-result.js';
import { renderReport } from './index.js';
import { xmlAttr, xmlText } from './xml.js';
import { emptyResult, HOSTILE, scanResult } from '../../test/report-fixtures.js';

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/**
 * A small, strict XML 1.0 parser for the tests: elements, attributes, character and predefined entity
 * references, comments-free. It throws on anything not well-formed (raw `<` or `&`, bad characters,
 * mismatched tags, duplicate attributes, a second root).
 */
function parseXml(xml: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at offset ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`);
  };
  for (const ch of xml) {
    const c = ch.codePointAt(0)!;
    const ok = c === 9 || c === 10 || c === 13 || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;
    if (!ok) fail(`character U+${c.toString(16)} is not allowed in XML`);
  }
  const NAME = /[A-Za-z_:][\w.:-]*/y;
  const name = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(xml);
    if (!m) return fail('expected a name');
    i = NAME.lastIndex;
    return m[0];
  };
  const ws = () => {
    while (/[ \t\r\n]/.test(xml[i] ?? '')) i++;
  };
  const decode = (raw: string, inAttr: boolean): string => {
    if (raw.includes('<')) fail(inAttr ? 'raw < in attribute' : 'raw < in text');
    return raw.replace(/&([^;]*);?/g, (all, ref: string) => {
      if (!all.endsWith(';')) fail('unterminated reference');
      const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
      if (ref in named) return named[ref]!;
      const m = /^#(?:x([0-9a-fA-F]+)|(\d+))$/.exec(ref);
      if (!m) return fail(`unknown entity &${ref};`);
      return String.fromCodePoint(parseInt(m[1] ?? m[2]!, m[1] ? 16 : 10));
    });
  };
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) fail('unterminated declaration');
    i = end + 2;
  }
  const element = (): XmlElement => {
    if (xml[i] !== '<') fail('expected <');
    i++;
    const el: XmlElement = { name: name(), attrs: {}, children: [], text: '' };
    for (;;) {
      ws();
      if (xml.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      const attr = name();
      ws();
      if (xml[i] !== '=') fail('expected =');
      i++;
      ws();
      const quote = xml[i];
      if (quote !== '"' && quote !== "'") fail('expected a quote');
      const end = xml.indexOf(quote!, i + 1);
      if (end < 0) fail('unterminated attribute');
      if (attr in el.attrs) fail(`duplicate attribute ${attr}`);
      // Attribute-value normalization: literal whitespace becomes a space; character references survive.
      el.attrs[attr] = decode(xml.slice(i + 1, end).replace(/[\t\n\r]/g, ' '), true);
      i = end + 1;
    }
    for (;;) {
      const lt = xml.indexOf('<', i);
      if (lt < 0) fail('unclosed element');
      el.text += decode(xml.slice(i, lt), false);
      i = lt;
      if (xml.startsWith('</', i)) {
        i += 2;
        if (name() !== el.name) fail(`mismatched </…> for <${el.name}>`);
        ws();
        if (xml[i] !== '>') fail('expected >');
        i++;
        return el;
      }
      if (xml.startsWith('<!', i) || xml.startsWith('<?', i)) fail('unexpected markup');
      el.children.push(element());
    }
  };
  ws();
  const root = element();
  ws();
  if (i !== xml.length) fail('content after the root element');
  return root;
}

function all(el: XmlElement, name: string): XmlElement[] {
  return [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => all(c, name))];
}

async function junit(result: ScanResult = scanResult()): Promise<{ xml: string; root: XmlElement }> {
  const xml = await renderReport('junit', result, { color: false, showSuppressed: false });
  return { xml, root: parseXml(xml) };
}

test('the test parser is strict', () => {
  assert.throws(() => parseXml('<a>x < y</a>'));
  assert.throws(() => parseXml('<a b="1" b="2"/>'));
  assert.throws(() => parseXml('<a>&nbsp;</a>'));
  assert.throws(() => parseXml('<a>\u0001</a>'));
  assert.throws(() => parseXml('<a><b></a></b>'));
  assert.throws(() => parseXml('<a/><b/>'));
  assert.deepEqual(parseXml('<a x="&lt;&#10;">&amp;&#x41;</a>'), { name: 'a', attrs: { x: '<\n' }, children: [], text: '&A' });
});

test('xml escaping survives a hostile string', () => {
  const hostile = `${HOSTILE}\t\n\r<]]>&"'\uffff\ud83d\ude00`;
  const doc = parseXml(`<r a="${xmlAttr(hostile)}" b='${xmlAttr(hostile)}'>${xmlText(hostile)}</r>`);
  const expected = hostile
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\ud800/g, '\\ud800');
  assert.equal(doc.attrs.a, expected);
  assert.equal(doc.attrs.b, expected);
  assert.equal(doc.text, expected);
  assert.ok(doc.text.includes('<script>') && doc.text.includes(']]>') && doc.text.includes('\ud83d\ude00'));
});

test('junit parses, and its counts match the scan', async () => {
  const result = scanResult();
  const { root } = await junit(result);
  assert.equal(root.name, 'testsuites');
  const suites = all(root, 'testsuite');
  const cases = all(root, 'testcase');
  // A suite per check, plus one for other not-evaluated targets and one for input errors.
  assert.equal(suites.length, result.checks.length + 2);
  assert.equal(Number(root.attrs.tests), cases.length);
  assert.equal(Number(root.attrs.failures), all(root, 'failure').length);
  assert.equal(Number(root.attrs.errors), result.inputErrors.length);
  assert.equal(Number(root.attrs.skipped), all(root, 'skipped').length);
  for (const s of suites) {
    const mine = all(s, 'testcase');
    assert.equal(Number(s.attrs.tests), mine.length, s.attrs.name);
    assert.equal(Number(s.attrs.failures), mine.filter((c) => all(c, 'failure').length).length, s.attrs.name);
    assert.equal(Number(s.attrs.skipped), mine.filter((c) => all(c, 'skipped').length).length, s.attrs.name);
  }
  // One failing testcase per (object, container) per check: here every finding is its own.
  assert.equal(all(root, 'failure').length, result.findings.length);
  // Suppressed findings are skipped testcases with their reason.
  const suppressed = all(root, 'skipped').filter((s) => s.attrs.message!.startsWith('suppressed'));
  assert.equal(suppressed.length, result.suppressed.length);
  assert.ok(suppressed.some((s) => s.attrs.message!.includes('break-glass role')));
  // KW-RBAC-001 had no unsuppressed finding: it passes.
  const rbac = suites.find((s) => s.attrs.name === 'KW-RBAC-001 Wildcard RBAC verbs')!;
  assert.ok(all(rbac, 'testcase').some((c) => c.attrs.name === 'no findings' && c.children.length === 0));
  // Not evaluated, in the check's own suite when it names a check, otherwise in a suite of its own.
  const net = suites.find((s) => s.attrs.name!.startsWith('KW-NET-001'))!;
  assert.ok(all(net, 'skipped').some((s) => s.attrs.message === 'no Namespace objects in input for namespace `jobs`'));
  const other = suites.find((s) => s.attrs.name === 'kubeward: not evaluated')!;
  assert.equal(all(other, 'skipped')[0]!.attrs.message, 'Helm chart not evaluated: helm not found on PATH');
});

test('junit failures carry severity, evidence and remediation; hostile names survive', async () => {
  const { root } = await junit();
  const cases = all(root, 'testcase');
  const web = cases.find((c) => c.attrs.classname === 'KW-POD-001' && c.attrs.name === 'Deployment prod/web (container app)')!;
  assert.equal(web.attrs.file, 'deploy/web.yaml');
  assert.equal(web.attrs.line, '23');
  const failure = all(web, 'failure')[0]!;
  assert.equal(failure.attrs.type, 'critical');
  assert.equal(failure.attrs.message, 'container `app` sets privileged: true');
  assert.match(failure.text, /deploy\/web\.yaml:23:25 spec\.template\.spec\.containers\[0\]\.securityContext\.privileged = true/);
  assert.match(failure.text, /Remediation: Remove `securityContext\.privileged: true`/);
  const cron = cases.find((c) => c.attrs.name!.startsWith('CronJob jobs/'))!;
  assert.ok(cron.attrs.name!.includes('<script>alert("x")</script> ]]> & " \''));
  assert.ok(cron.attrs.name!.includes('\\u001b[31m'));
  const input = all(root, 'error');
  assert.equal(input.length, 2);
  assert.equal(input[0]!.attrs.message, 'bad indentation of a mapping entry');
});

test('junit of an empty scan: every check passes', async () => {
  const result = emptyResult();
  const { root } = await junit(result);
  assert.equal(all(root, 'testsuite').length, result.checks.length);
  assert.equal(Number(root.attrs.tests), result.checks.length);
  assert.equal(Number(root.attrs.failures), 0);
});
