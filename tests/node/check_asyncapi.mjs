// Parses an AsyncAPI document as a Node.js integrator would: the official @asyncapi/parser, which
// also lints it (Spectral's AsyncAPI rules, among them that each example matches its schemas).
//   node check_asyncapi.mjs < documents.json
// stdin: {"<name>": <an AsyncAPI document>, ...} (several in one run: Node starts once)
// stdout: {"<name>": {"parsed": bool, "diagnostics": [{"severity", "code", "message", "path"}], "model": {...}}}
// severity: 0 error, 1 warning, 2 information, 3 hint. `model` is what the parsed document
// offers a client, read through the parser's API (not the raw JSON).
import { Parser } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';

const severities = ['error', 'warning', 'information', 'hint'];

function describe(doc) {
  return {
    servers: doc.servers().all().map((server) => ({
      id: server.id(), protocol: server.protocol(), url: server.url(),
      variables: server.variables().all().map((v) => [v.id(), v.defaultValue()]),
    })),
    messages: doc.components().messages().all().map((message) => ({
      id: message.id(),
      headers: message.hasHeaders() ? Object.keys(message.headers().properties() ?? {}).sort() : [],
      examples: message.examples().all().length,
      tags: message.tags().all().map((tag) => tag.name()),
      endsRun: message.extensions().get('x-ends-run')?.value() ?? null,
    })),
    operations: doc.operations().all().map((operation) => ({
      id: operation.id(), action: operation.action(),
      nats: operation.bindings().get('nats')?.value() ?? null,
    })),
  };
}

const parser = new Parser();
const verdicts = {};
for (const [name, source] of Object.entries(JSON.parse(readFileSync(0, 'utf8')))) {
  const { document, diagnostics } = await parser.parse(JSON.stringify(source));
  verdicts[name] = {
    parsed: document !== undefined,
    diagnostics: diagnostics.map((d) => ({
      severity: severities[d.severity] ?? String(d.severity), code: d.code, message: d.message, path: d.path,
    })),
    model: document ? describe(document) : null,
  };
}
process.stdout.write(JSON.stringify(verdicts));
