import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// Validators for the reports kubeward writes: its own JSON report schema and the official SARIF 2.1.0 schema.

// ajv and ajv-formats are CommonJS; their default export arrives wrapped depending on the loader.
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as typeof AjvModule.default;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as typeof Ajv2020Module.default;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as typeof addFormatsModule.default;

const reportSchemaPath = fileURLToPath(new URL('../schemas/kubeward-report.schema.json', import.meta.url));

/** schemas/kubeward-report.schema.json (JSON Schema 2020-12), strict. */
export function reportValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(reportSchemaPath, 'utf8')));
}

/**
 * The official SARIF 2.1.0 schema, as shipped in @microsoft/jest-sarif (draft-04). ajv 8 does not do draft-04,
 * but apart from the top-level `$schema` and `id` this schema is draft-07 compatible.
 */
export function sarifValidator() {
  const require = createRequire(import.meta.url);
  const file = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  schema.$schema = 'http://json-schema.org/draft-07/schema#';
  schema.$id = schema.id;
  delete schema.id;
  // unicodeRegExp: false because one pattern in the schema (language tags) is not valid with the u flag.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}
