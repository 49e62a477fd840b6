import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { layerOf, type TarEntrySpec } from '../../layers/fixtures.js';
import { walkLayers } from '../../layers/index.js';
import { osReleaseCataloger, parseOsRelease } from './index.js';

async function osOf(...layers: TarEntrySpec[][]) {
  const blobs = await Promise.all(layers.map((entries) => layerOf(entries)));
  const result = await walkLayers(blobs, [osReleaseCataloger()]);
  return { os: result.os, notes: result.outputs.get('os-release')?.notes ?? [] };
}

// Debian 12's /usr/lib/os-release, verbatim.
const DEBIAN_12 = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
`;

test('Debian: etc/os-release is a symlink to ../usr/lib/os-release', async () => {
  const { os } = await osOf([
    { name: 'usr/lib/os-release', content: DEBIAN_12 },
    { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
    { name: 'etc/debian_version', content: '12.5\n' },
  ]);
  assert.deepEqual(os, { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', codename: 'bookworm', source: 'usr/lib/os-release' });
});

test('etc/os-release wins over usr/lib/os-release; a later layer can replace it', async () => {
  const { os } = await osOf(
    [{ name: 'usr/lib/os-release', content: 'ID=fedora\nVERSION_ID=39\n' }, { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.18.4\n' }],
    [{ name: 'etc/os-release', content: "ID='ubuntu'\nVERSION_ID=\"22.04\"\nPRETTY_NAME=\"Ubuntu 22.04.3 LTS\"\n" }],
  );
  assert.deepEqual(os, { id: 'ubuntu', versionId: '22.04', prettyName: 'Ubuntu 22.04.3 LTS', source: 'etc/os-release' });
});

test('Debian testing without VERSION_ID takes its codename from debian_version', async () => {
  const { os } = await osOf([
    { name: 'etc/os-release', content: 'PRETTY_NAME="Debian GNU/Linux trixie/sid"\nNAME="Debian GNU/Linux"\nID=debian\n' },
    { name: 'etc/debian_version', content: 'trixie/sid\n' },
  ]);
  assert.deepEqual(os, { id: 'debian', prettyName: 'Debian GNU/Linux trixie/sid', codename: 'trixie', source: 'etc/os-release' });
});

test('legacy release files: alpine-release, debian_version, redhat-release, lsb-release', async () => {
  assert.deepEqual((await osOf([{ name: 'etc/alpine-release', content: '3.19.1\n' }])).os, { id: 'alpine', versionId: '3.19.1', source: 'etc/alpine-release' });
  assert.deepEqual((await osOf([{ name: 'etc/debian_version', content: '11.9\n' }])).os, { id: 'debian', versionId: '11', source: 'etc/debian_version' });
  assert.deepEqual((await osOf([{ name: 'etc/redhat-release', content: 'CentOS Linux release 7.9.2009 (Core)\n' }])).os, {
    id: 'centos',
    versionId: '7.9.2009',
    prettyName: 'CentOS Linux release 7.9.2009 (Core)',
    codename: 'Core',
    source: 'etc/redhat-release',
  });
  const lsb = 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=20.04\nDISTRIB_CODENAME=focal\nDISTRIB_DESCRIPTION="Ubuntu 20.04.6 LTS"\n';
  assert.deepEqual((await osOf([{ name: 'etc/lsb-release', content: lsb }])).os, {
    id: 'ubuntu',
    versionId: '20.04',
    prettyName: 'Ubuntu 20.04.6 LTS',
    codename: 'focal',
    source: 'etc/lsb-release',
  });
});

test('a whited-out os-release falls back; bad lines become notes naming the line', async () => {
  const { os, notes } = await osOf(
    [{ name: 'etc/os-release', content: 'ID=debian\n' }, { name: 'etc/alpine-release', content: '3.18.0' }],
    [{ name: 'etc/.wh.os-release' }],
  );
  assert.equal(os?.id, 'alpine');
  assert.deepEqual(notes, []);
  const bad = await osOf([{ name: 'etc/os-release', content: '# comment\nnot a line\nNAME="open\nID=arch\n' }]);
  assert.equal(bad.os?.id, 'arch');
  assert.deepEqual(bad.notes, ['os-release: etc/os-release line 2: expected KEY=value', 'os-release: etc/os-release line 3: unterminated quote in NAME']);
});

test('os-release parsing follows the shell quoting rules', () => {
  const { values } = parseOsRelease(
    ['A="with \\"quotes\\" and \\$dollar \\\\ and \\n kept"', "B='single $literal \\'", 'C=unquoted\\ value', '  # indented comment', 'D=""', 'E=x=y'].join('\n'),
  );
  assert.equal(values.get('A'), 'with "quotes" and $dollar \\ and \\n kept');
  assert.equal(values.get('B'), 'single $literal \\');
  assert.equal(values.get('C'), 'unquoted value');
  assert.equal(values.get('D'), '');
  assert.equal(values.get('E'), 'x=y');
});

test('any value survives double- and single-quoting (property)', () => {
  const value = fc.string({ unit: 'grapheme' }).filter((s) => !/[\n\r]/.test(s));
  fc.assert(
    fc.property(value, (s) => {
      const doubled = `"${s.replace(/["\\$`]/g, (c) => `\\${c}`)}"`;
      assert.equal(parseOsRelease(`K=${doubled}\n`).values.get('K'), s);
      const single = `'${s.replace(/'/g, `'"'"'`)}'`;
      assert.equal(parseOsRelease(`K=${single}`).values.get('K'), s);
    }),
  );
});
