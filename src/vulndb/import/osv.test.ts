import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RecordError } from './errors.js';
import { parseOsvRecord } from './osv.js';

const where = { file: 'f.json' };
const version = fc.stringMatching(/^[0-9]{1,3}(\.[0-9]{1,3}){0,2}$/);
const eventArb = fc.oneof(
  version.map((v) => ({ fixed: v })),
  version.map((v) => ({ last_affected: v })),
  version.map((v) => ({ limit: v })),
);
const rangeArb = fc.record({
  type: fc.constantFrom('SEMVER', 'ECOSYSTEM', 'GIT'),
  events: fc.tuple(version, fc.array(eventArb, { maxLength: 4 })).map(([intro, rest]) => [{ introduced: intro }, ...rest]),
});
const recordArb = fc.record({
  id: fc.stringMatching(/^[A-Z]{2,5}-[a-z0-9-]{1,12}$/),
  modified: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  aliases: fc.array(fc.stringMatching(/^CVE-20[0-9]{2}-[0-9]{4,6}$/), { maxLength: 3 }),
  affected: fc.array(
    fc.record({
      package: fc.record({ ecosystem: fc.constantFrom('npm', 'PyPI', 'Go', 'Debian:12'), name: fc.stringMatching(/^[a-z][a-z0-9._-]{0,20}$/) }),
      ranges: fc.array(rangeArb, { maxLength: 3 }),
      versions: fc.array(version, { maxLength: 3 }),
    }),
    { maxLength: 3 },
  ),
});

test('every record that follows the schema parses, keeping ids, packages and events', () => {
  fc.assert(
    fc.property(recordArb, (generated) => {
      const record = JSON.parse(JSON.stringify(generated)) as typeof generated;
      const advisory = parseOsvRecord(record, where);
      assert.equal(advisory.id, record.id);
      assert.equal(advisory.modified, record.modified);
      assert.deepEqual(advisory.aliases, record.aliases);
      assert.deepEqual(
        advisory.affected.map((a) => [a.ecosystem, a.name, a.ranges, a.versions]),
        record.affected.map((a) => [a.package.ecosystem, a.package.name, a.ranges, a.versions]),
      );
    }),
  );
});

test('any JSON value either parses or fails with a RecordError naming the file, never another exception', () => {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), recordArb.chain((r) => fc.jsonValue().map((junk) => ({ ...r, affected: [{ package: r.affected[0]?.package ?? {}, ranges: [junk] }] })))), (value) => {
      try {
        parseOsvRecord(value, where);
      } catch (error) {
        assert.ok(error instanceof RecordError, String(error));
        assert.ok(error.message.startsWith('f.json'), error.message);
      }
    }),
  );
});

test('an event with a non-string version and an unknown event are named by path', () => {
  const base = { id: 'X-1', modified: '2024-01-01T00:00:00Z' };
  const ranges = (events: unknown[]) => ({ ...base, affected: [{ package: { ecosystem: 'npm', name: 'a' }, ranges: [{ type: 'SEMVER', events }] }] });
  assert.throws(() => parseOsvRecord(ranges([{ introduced: 0 }]), where), { message: 'f.json:affected[0].ranges[0].events[0].introduced: expected a version string, found number 0' });
  assert.throws(() => parseOsvRecord(ranges([{ introduced: '0' }, { patched: '1' }]), where), { message: 'f.json:affected[0].ranges[0].events[1]: unknown event "patched"' });
  assert.throws(() => parseOsvRecord({ ...base, id: 7 }, { file: 'a.zip', entry: 'e.json' }), { message: 'a.zip!e.json:id: expected a string, found number 7' });
  assert.throws(() => parseOsvRecord([], where), { message: 'f.json: expected an object, found an array' });
});
