// Validates events with the published JSON Schemas as a Node.js integrator would: ajv 8 (its
// Draft 2020-12 build) in strict mode, with ajv-formats. Usage:
//   node validate_events.mjs <schema folder> < input.json
// input: {"schemas": [more schemas, each with its $id], "cases": [{"id", "schema": $id, "instance"}]}
// stdout: {"loaded": [$id...], "verdicts": [{"id", "valid", "keywords": [...], "errors": [...]}]}
// A schema that strict ajv refuses is an error on stderr and exit status 2: nothing is validated.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const folder = process.argv[2];
if (!folder) {
  console.error('usage: node validate_events.mjs <schema folder> < cases.json');
  process.exit(64);
}
// strict: true turns every strict option on (unknown keywords and formats, ignored keywords,
// types, tuples, required properties that are not defined); allErrors lists every failed keyword.
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);

const input = JSON.parse(readFileSync(0, 'utf8'));
const files = readdirSync(folder).filter((n) => n.endsWith('.schema.json')).sort();
const loaded = [];
try {
  for (const schema of [...files.map((n) => JSON.parse(readFileSync(join(folder, n), 'utf8'))), ...(input.schemas ?? [])]) {
    ajv.addSchema(schema);
    ajv.getSchema(schema.$id); // compiles now: strict mode refuses a schema here
    loaded.push(schema.$id);
  }
} catch (error) {
  console.error(`strict ajv refuses a schema: ${error.message}`);
  process.exit(2);
}

const verdicts = input.cases.map(({ id, schema, instance }) => {
  const validate = ajv.getSchema(schema);
  if (!validate) return { id, valid: false, keywords: ['no such schema'], errors: [`no schema ${schema}`] };
  const valid = validate(instance);
  const errors = validate.errors ?? [];
  return {
    id, valid,
    keywords: [...new Set(errors.map((e) => e.keyword))].sort(),
    errors: errors.map((e) => `${e.instancePath || '/'} ${e.keyword}: ${e.message}`),
  };
});
process.stdout.write(JSON.stringify({ loaded, verdicts }));
