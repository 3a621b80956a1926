// Draws Graphviz (dot) sources as SVG with Graphviz compiled to WebAssembly: reads a JSON list of
// sources on stdin, writes a JSON list of SVG strings (null for a source that does not draw).
import { instance } from "@viz-js/viz";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const sources = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const viz = await instance();
const drawn = sources.map((source) => {
  const result = viz.render(source, { format: "svg" });
  return result.status === "success" ? result.output : null;
});
process.stdout.write(JSON.stringify(drawn));
