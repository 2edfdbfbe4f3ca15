// docs/data-dictionary.md, generated from the model declarations (npm run docs): every warehouse
// table the analysis builds, its grain, what it reads, and each column with its type, checks and meaning.
import { MODELS } from "./index.ts";
import { ordered, type ColumnSpec } from "./model.ts";

const checks = (c: ColumnSpec) =>
  [c.notNull ? "not null" : "", c.accepted ? c.accepted.join(" / ") : "", c.min !== undefined || c.max !== undefined ? `${c.min ?? "−∞"} … ${c.max ?? "∞"}` : ""].filter(Boolean).join("; ");

const cell = (s: string) => s.replaceAll("|", "\\|");

export function dataDictionary(): string {
  const lines = [
    "# Data dictionary 数据字典",
    "",
    "Generated from `pipelines/models/*.ts` by `npm run docs`; a test keeps it in step with the code.",
    "Every table below is built by `guopei run` in this order (each after what it reads) and checked",
    "against its declaration on every run: a missing or undeclared column, a null where none is",
    "allowed, a value outside its range or list, or a repeated key stops the run and names the table,",
    "the column and example rows. Restricted tables hold teacher-level data and are never published.",
    "",
  ];
  for (const m of ordered(MODELS)) {
    lines.push(`## ${m.name}${m.restricted ? " (restricted 限内部使用)" : ""}`, "");
    lines.push(`- **Grain**: ${m.grain}; key (${m.key.join(", ")}).`);
    lines.push(`- **Reads**: ${m.dependsOn.map((d) => (MODELS.some((x) => x.name === d) ? `[${d}](#${d})` : `\`${d}\``)).join(", ")}.`);
    lines.push(`- **Built by**: ${"sql" in m.build ? `\`pipelines/models/${m.name}.sql\`` : `\`pipelines/models/${m.name}.ts\``}.`, "");
    lines.push("| column | type | checks | meaning |", "| --- | --- | --- | --- |");
    for (const [name, c] of Object.entries(m.columns)) lines.push(`| ${name} | ${c.type} | ${cell(checks(c))} | ${cell(c.doc)} |`);
    lines.push("");
  }
  return lines.join("\n");
}
