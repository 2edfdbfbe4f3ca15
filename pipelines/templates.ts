// `guopei templates`: one .xlsx per input kind, what a province sends to its institutions so that
// the files come back right: Chinese headers, a sheet of instructions, and dropdowns for every
// enumeration, yes/no and scale column. Generated from the contract, so it cannot drift from it.
import path from "node:path";
import ExcelJS from "exceljs";
import { KINDS, SPECS, type ColSpec, type Kind } from "./ingest/contract.ts";
import { info } from "./lib/log.ts";
import { replaceDir } from "./lib/outdir.ts";

const ROWS = 2000;

/** exceljs writes data validations, but its typings do not declare the worksheet's list of them. */
const validations = (ws: ExcelJS.Worksheet) => (ws as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }).dataValidations;
const TYPE_ZH: Record<ColSpec["type"], string> = { id: "编号", text: "文字", int: "整数", num: "数值", date: "日期 YYYY-MM-DD", ts: "时间 YYYY-MM-DD HH:MM", bool: "是/否", enum: "选项" };

/** The Chinese spelling of each allowed value of an enumeration (its English code where it has none). */
export function chineseChoices(col: ColSpec): string[] {
  const byCanonical = new Map<string, string>();
  for (const [spelling, canonical] of Object.entries(col.values ?? {})) {
    if (/[^\x00-\x7f]/.test(spelling) && !byCanonical.has(canonical)) byCanonical.set(canonical, spelling);
  }
  const canonicals = [...new Set(Object.values(col.values ?? {}))];
  return canonicals.map((c) => byCanonical.get(c) ?? c);
}

/** Item columns of a template: q01…q10 for evaluations, f01…f05 for follow-ups (the instrument's own numbers replace them). */
function itemColumns(kind: Kind): string[] {
  if (kind === "evaluations") return Array.from({ length: 10 }, (_, i) => `q${String(i + 1).padStart(2, "0")}`);
  if (kind === "followups") return Array.from({ length: 5 }, (_, i) => `f${String(i + 1).padStart(2, "0")}`);
  return [];
}

const colLetter = (i: number) => {
  let s = "";
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};

export function templateFileName(kind: Kind): string {
  return `${kind}_${SPECS[kind].label}模板.xlsx`;
}

export async function templateWorkbook(kind: Kind): Promise<ExcelJS.Workbook> {
  const spec = SPECS[kind];
  const wb = new ExcelJS.Workbook();
  wb.creator = "guopei";
  // A fixed date in the file's properties: the same version writes the same bytes.
  wb.created = wb.modified = new Date(Date.UTC(2026, 0, 1));
  // The data sheet is named after the kind: a filled template is recognised by its sheet name.
  const ws = wb.addWorksheet(kind, { views: [{ state: "frozen", ySplit: 1 }] });
  const items = itemColumns(kind);
  ws.addRow([...spec.cols.map((c) => c.zh[0] ?? c.name), ...items]);
  ws.getRow(1).font = { bold: true };
  ws.columns.forEach((c) => (c.width = 16));
  spec.cols.forEach((col, i) => {
    const range = `${colLetter(i)}2:${colLetter(i)}${ROWS}`;
    const choices = col.type === "enum" ? chineseChoices(col) : col.type === "bool" ? ["是", "否"] : [];
    if (choices.length) {
      validations(ws).add(range, { type: "list", allowBlank: !col.required, formulae: [`"${choices.join(",")}"`], showErrorMessage: true, errorTitle: "取值不在列表中", error: `请从下拉列表中选择：${choices.join("、")}` });
    } else if ((col.type === "int" || col.type === "num") && (col.min !== undefined || col.max !== undefined)) {
      validations(ws).add(range, {
        type: col.type === "int" ? "whole" : "decimal",
        operator: "between",
        allowBlank: !col.required,
        formulae: [col.min ?? -1e9, col.max ?? 1e9],
        showErrorMessage: true,
        error: `请填写 ${col.min ?? "…"} 到 ${col.max ?? "…"} 之间的${col.type === "int" ? "整数" : "数值"}`,
      });
    }
  });
  items.forEach((_, j) => {
    const c = colLetter(spec.cols.length + j);
    validations(ws).add(`${c}2:${c}${ROWS}`, { type: "list", allowBlank: true, formulae: ['"1,2,3,4,5"'], showErrorMessage: true, error: "请填写 1-5 的整数（量表分值）" });
  });

  const help = wb.addWorksheet("填表说明");
  help.addRow([`${spec.label}（${kind}）填表说明`]).font = { bold: true, size: 14 };
  help.addRow(["请在第一个工作表中每行填写一条记录；不要修改表头，不要合并单元格。带下拉框的列请从列表中选择。完成后直接发回本文件（可改文件名，但请保留“" + kind + "”或“" + spec.label + "”字样）。"]);
  help.addRow([]);
  help.addRow(["列名（表头）", "英文列名", "类型", "必填", "允许的取值或范围"]).font = { bold: true };
  for (const col of spec.cols) {
    const allowed = col.type === "enum" ? chineseChoices(col).join("、") : col.type === "bool" ? "是、否（或 1、0）" : col.min !== undefined || col.max !== undefined ? `${col.min ?? "…"} – ${col.max ?? "…"}` : "";
    help.addRow([col.zh[0] ?? col.name, col.name, TYPE_ZH[col.type], col.required ? "是" : "", allowed]);
  }
  if (items.length) help.addRow([`${items[0]}…${items.at(-1)}`, "items", "整数 1-5", "", "按评估量表的题号增删列；每格填写一个分值"]);
  if (kind === "evaluations") help.addRow(["注意", "", "", "", "匿名评估：不得包含学员姓名、编号、手机号等任何身份信息，含此类列的文件将被整体拒收"]);
  help.columns.forEach((c, i) => (c.width = [22, 20, 18, 8, 60][i] ?? 16));
  return wb;
}

export async function templates(opts: { out: string }): Promise<string[]> {
  const out = path.resolve(opts.out);
  const files = await replaceDir(out, "templates", "--out", async (work) => {
    const names: string[] = [];
    for (const kind of KINDS) {
      const name = templateFileName(kind);
      await (await templateWorkbook(kind)).xlsx.writeFile(path.join(work, name));
      names.push(name);
    }
    return names;
  });
  info(`模板 templates → ${out}: ${files.length} files`);
  return files;
}
