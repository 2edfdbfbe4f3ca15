// docs/data-dictionary.md, generated from the model declarations (npm run docs): every warehouse
// table the analysis builds, its grain, what it reads, and each column with its type, checks and meaning.
import { MODELS } from "./index.ts";
import { modelSql, ordered, type ColumnSpec } from "./model.ts";

/** The macros of measures.sql with the comment above each. */
export function measures(): { name: string; signature: string; doc: string }[] {
  const out: { name: string; signature: string; doc: string }[] = [];
  let doc: string[] = [];
  for (const line of modelSql("measures").split("\n")) {
    const m = /^CREATE OR REPLACE MACRO (\w+)\(([^)]*)\)/.exec(line);
    if (m) {
      out.push({ name: m[1]!, signature: `${m[1]}(${m[2]})`, doc: doc.join(" ") });
      doc = [];
    } else if (line.startsWith("-- ")) doc.push(line.slice(3));
    else if (!line.startsWith("    ")) doc = [];
  }
  return out;
}

const checks = (c: ColumnSpec) =>
  [c.notNull ? "not null" : "", c.accepted ? c.accepted.join(" / ") : "", c.min !== undefined || c.max !== undefined ? `${c.min ?? "−∞"} … ${c.max ?? "∞"}` : ""].filter(Boolean).join("; ");

const cell = (s: string) => s.replaceAll("|", "\\|");

/** The same dictionary as data, for the methods page (restricted tables only in the restricted build). */
export function dictionaryData(restricted: boolean) {
  return {
    measures: measures(),
    tables: ordered(MODELS)
      .filter((m) => restricted || !m.restricted)
      .map((m) => ({
        name: m.name,
        grain: m.grain,
        key: [...m.key],
        reads: [...m.dependsOn, ...(m.paramsRead ?? [])],
        restricted: Boolean(m.restricted),
        columns: Object.entries(m.columns).map(([name, c]) => ({ name, type: c.type, checks: checks(c), doc: c.doc })),
      })),
  };
}

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
  lines.push("## Shared measures 共用指标", "", "Macros stored in the warehouse (`pipelines/models/measures.sql`), one definition each, used by the models, the site data and the extracts.", "");
  lines.push("| measure | meaning |", "| --- | --- |");
  for (const m of measures()) lines.push(`| \`${m.signature}\` | ${cell(m.doc)} |`);
  lines.push("");
  for (const m of ordered(MODELS)) {
    lines.push(`## ${m.name}${m.restricted ? " (restricted 限内部使用)" : ""}`, "");
    lines.push(`- **Grain**: ${m.grain}; key (${m.key.join(", ")}).`);
    lines.push(`- **Reads**: ${m.dependsOn.map((d) => (MODELS.some((x) => x.name === d) ? `[${d}](#${d})` : `\`${d}\``)).join(", ")}${m.paramsRead?.length ? `; for its parameters, ${m.paramsRead.map((d) => `\`${d}\``).join(", ")}` : ""}.`);
    lines.push(`- **Built by**: ${"sql" in m.build ? `\`pipelines/models/${m.name}.sql\`` : `\`pipelines/models/${m.name}.ts\``}.`);
    if (m.partitioned) lines.push(`- **Rebuilt by part**: one part per \`${m.partitioned.column}\`; a rerun takes from the previous warehouse every part whose inputs (hashed by \`pipelines/models/${m.name}.parts.sql\`) are unchanged, and builds the others.`);
    lines.push("");
    lines.push("| column | type | checks | meaning |", "| --- | --- | --- | --- |");
    for (const [name, c] of Object.entries(m.columns)) lines.push(`| ${name} | ${c.type} | ${cell(checks(c))} | ${cell(c.doc)} |`);
    lines.push("");
  }
  return lines.join("\n");
}
