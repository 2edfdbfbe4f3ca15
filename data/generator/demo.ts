// A synthetic province in the input shape of shared/contract.md, with planted truths
// (institution quality, mode effects, engaged and disengaged teachers, stuffed evaluations)
// that later analytics are tested against, and the messy files users really send.
import { createWriteStream, type WriteStream } from "node:fs";
import { copyFile, writeFile } from "node:fs/promises";
import { replaceDir } from "../../pipelines/lib/outdir.ts";
import path from "node:path";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import { csvLine } from "../../pipelines/lib/csv.ts";
import { seeded } from "../../pipelines/lib/shared/stats.ts";

export interface DemoOptions {
  out: string;
  scale?: number;
  seed?: number;
  /** No institution stuffs its evaluations (for false-alarm tests). */
  honest?: boolean;
  /** Classes fill the evaluation together at their last session; about 12 % click one answer throughout. */
  classTogether?: boolean;
  /** The hours archive covers every teacher of a county, trained or not (default); false: trainees only. */
  archiveAll?: boolean;
}

/** The pipeline's seeded generator (mulberry32): the same seed gives the same province. */
export function rng(seed: number) {
  const next = seeded(seed);
  const normal = () => {
    const u = Math.max(next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  return {
    next,
    normal,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof rng>;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const pad = (n: number, w: number) => String(n).padStart(w, "0");
const day = (d: Date) => d.toISOString().slice(0, 10);
const stamp = (d: Date) => d.toISOString().slice(0, 19).replace("T", " ");
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86400000);

/** Buffered CSV writer: lines are joined in memory and flushed in large chunks. */
class Csv {
  private buf: string[] = [];
  private size = 0;
  rows = 0;
  private readonly stream: WriteStream;
  constructor(file: string, header: string[], bom = false) {
    this.stream = createWriteStream(file);
    this.stream.write((bom ? "\uFEFF" : "") + csvLine(header));
  }
  async row(values: unknown[]) {
    const line = csvLine(values);
    this.buf.push(line);
    this.size += line.length;
    this.rows++;
    if (this.size > 1 << 20) await this.flush();
  }
  async flush() {
    if (!this.buf.length) return;
    const ok = this.stream.write(this.buf.join(""));
    this.buf = [];
    this.size = 0;
    if (!ok) await new Promise<void>((r) => this.stream.once("drain", () => r()));
  }
  async close() {
    await this.flush();
    await new Promise<void>((r) => this.stream.end(r));
  }
}

export const DEMO_YEARS = [2023, 2024, 2025, 2026] as const;
/** The demo's "today": projects of the last year that end later are still running. */
export const DEMO_TODAY = new Date("2026-11-20T00:00:00Z");

const SURNAMES = ["东方", "南岭", "西山", "北川", "清河", "白云", "青山", "长江", "黄河", "明德", "启智", "博雅"];
const PROVINCE = "豫南省";
const COUNTY_NAMES = ["临河县", "安平县", "新丰县", "桐柏县", "西峡县", "淅川县", "内乡县", "镇平县", "方城县", "唐河县", "社旗县", "南召县", "邓州市", "宛城区", "卧龙区", "光山县"];
const SUBJECTS = ["语文", "数学", "英语", "物理", "化学", "生物", "道德与法治", "历史", "地理", "音乐", "美术", "体育", "信息科技", "科学"];
const STAGES = ["kindergarten", "primary", "junior", "senior"] as const;
const TITLES = ["未定级", "三级教师", "二级教师", "一级教师", "高级教师", "正高级教师"];
const BACKBONE = ["", "", "", "校级骨干", "县级骨干", "市级骨干", "省级骨干"];
const MODES = ["face_to_face", "online", "blended", "shadowing", "village", "workshop"] as const;
/** Planted mode effects on satisfaction (Likert points): not the institution's doing. */
export const MODE_EFFECT: Record<(typeof MODES)[number], number> = { face_to_face: 0.15, online: -0.35, blended: -0.05, shadowing: 0.2, village: 0, workshop: 0.1 };
const PROGRAMS = ["guopei_demo", "guopei_cw", "provincial", "city", "county"] as const;
const CATEGORIES = ["乡村骨干教师培训", "培训者团队研修", "新教师入职培训", "信息技术应用能力提升2.0", "班主任能力提升", "名师名校长领航", "送教下乡培训", "学科骨干教师研修"];
const DIMENSIONS: [string, string, string][] = [
  ["design", "培训方案符合我的实际需求", "The programme met my needs"],
  ["design", "培训目标清晰明确", "Goals were clear"],
  ["content", "课程内容针对性强", "Content was relevant"],
  ["content", "课程内容与教学实际紧密结合", "Content linked to classroom practice"],
  ["content", "实践类课程比例合理", "Enough practice courses"],
  ["trainers", "授课专家水平高", "Trainers were competent"],
  ["trainers", "一线优秀教师参与授课", "Front-line teachers taught"],
  ["methods", "培训方式灵活多样", "Varied methods"],
  ["methods", "参与式、互动式学习充分", "Enough participation"],
  ["methods", "培训内容与实际脱节", "Content was detached from practice (reverse)"],
  ["organisation", "培训组织有序", "Well organised"],
  ["organisation", "班级管理规范", "Class well managed"],
  ["logistics", "食宿安排满意", "Satisfied with board and lodging"],
  ["logistics", "学习平台使用便捷", "Platform easy to use"],
  ["gains", "更新了教育理念", "Updated my ideas"],
  ["gains", "提升了教学能力", "Improved my teaching"],
  ["gains", "能将所学用于课堂", "Can apply it in class"],
  ["gains", "结识了学习共同体", "Joined a learning community"],
  ["overall", "对本次培训总体满意", "Overall satisfied"],
  ["overall", "愿意推荐同事参加", "Would recommend it"],
];
const REVERSE_ITEM = 10;
const POSITIVE = ["专家讲得很好，收获很大", "案例贴近课堂，回去就能用", "跟岗实践安排得很扎实", "希望以后多组织这样的培训", "工作坊形式很好，互动充分", "班主任老师很负责"];
const NEGATIVE = ["理论太多，实践太少", "时间安排太紧，没有消化的时间", "网络平台经常卡顿", "住宿条件一般，离培训点远", "内容和农村学校实际脱节", "希望减少形式化的打卡"];

interface Institution {
  id: string;
  name: string;
  type: string;
  quality: number;
  onlineHeavy: boolean;
  stuffing: boolean;
}
interface County {
  code: string;
  name: string;
  teachers: number;
  ruralShare: number;
}
interface Teacher {
  id: string;
  county: County;
  school: string;
  stage: (typeof STAGES)[number];
  subject: string;
  rural: boolean;
  title: string;
  years: number;
  backbone: string;
  engagement: number;
}

export interface DemoSummary {
  rows: Record<string, number>;
  truth: Record<string, unknown>;
}

/** Write the demo province to `opts.out`, a folder the tool owns (never a user's folder, see lib/outdir.ts). */
export async function generateDemo(opts: DemoOptions): Promise<DemoSummary> {
  return replaceDir(path.resolve(opts.out), "demo", "--out", (work) => writeDemo(work, opts));
}

async function writeDemo(out: string, opts: DemoOptions): Promise<DemoSummary> {
  const scale = opts.scale ?? 1;
  const r = rng(opts.seed ?? 2026);

  // Institutions: quality on the Likert scale (±), one average-quality online platform, one stuffer.
  const nInst = Math.max(8, Math.round(36 * scale));
  const types = ["normal_university", "university", "dev_center", "online_platform", "school"];
  const institutions: Institution[] = Array.from({ length: nInst }, (_, i) => {
    const type = i === 0 ? "online_platform" : r.pick(types);
    return {
      id: `I${pad(i + 1, 4)}`,
      name: `${r.pick(SURNAMES)}${type === "normal_university" ? "师范大学" : type === "university" ? "大学" : type === "dev_center" ? "教师发展中心" : type === "online_platform" ? "教师网络研修平台" : "实验学校"}${i + 1}`,
      type,
      quality: i === 0 ? 0 : r.normal() * 0.35,
      onlineHeavy: i === 0,
      stuffing: i === 1 && !opts.honest,
    };
  });
  const nCounties = Math.max(6, Math.round(16 * scale));
  const counties: County[] = Array.from({ length: nCounties }, (_, i) => ({
    code: `41${pad(1300 + i, 4)}`,
    name: i < COUNTY_NAMES.length ? COUNTY_NAMES[i]! : `第${i + 1}县`,
    teachers: r.int(500, 1500),
    ruralShare: clamp(0.3 + r.next() * 0.6, 0, 1),
  }));

  // Teacher pools per county; teachers come back across projects and years (their history).
  const teachers: Teacher[] = [];
  const perCounty = Math.round(600 * scale / nCounties * 1.0) + 60;
  for (const c of counties) {
    for (let j = 0; j < perCounty; j++) {
      const rural = r.chance(c.ruralShare);
      teachers.push({
        id: `T${c.code.slice(2)}${pad(j + 1, 5)}`,
        county: c,
        school: `S${c.code.slice(2)}${pad(r.int(1, 40), 3)}`,
        stage: r.pick(STAGES),
        subject: r.pick(SUBJECTS),
        rural,
        title: r.pick(TITLES),
        years: r.int(1, 35),
        backbone: r.pick(BACKBONE),
        engagement: r.normal(),
      });
    }
  }
  const byCounty = new Map(counties.map((c) => [c.code, teachers.filter((t) => t.county === c)]));

  // Static files: institutions (UTF-8), counties, instrument.
  const inst = new Csv(path.join(out, "institutions.csv"), ["institution_id", "name", "type", "province"]);
  for (const i of institutions) await inst.row([i.id, i.name, i.type, PROVINCE]);
  await inst.close();
  const cty = new Csv(path.join(out, "counties.csv"), ["county_code", "name", "province", "teachers_total", "trainer_team_size", "studios", "has_dev_center", "five_year_plan", "training_budget_share"]);
  for (const c of counties) {
    await cty.row([c.code, c.name, PROVINCE, c.teachers, r.int(20, 90), r.int(2, 40), r.chance(0.7) ? 1 : 0, r.chance(0.8) ? 1 : 0, (0.02 + r.next() * 0.05).toFixed(3)]);
  }
  await cty.close();
  const ins = new Csv(path.join(out, "instrument.csv"), ["item_id", "dimension", "text_zh", "text_en", "reverse", "scale_min", "scale_max"]);
  for (const [k, [dim, zh, en]] of DIMENSIONS.entries()) await ins.row([`q${pad(k + 1, 2)}`, dim, zh, en, k + 1 === REVERSE_ITEM ? 1 : 0, 1, 5]);
  await ins.close();

  // Projects with Chinese headers and a BOM, as a province platform exports them.
  const projects = new Csv(path.join(out, "projects.csv"), ["项目编号", "年度", "项目名称", "计划类别", "项目类别", "承训机构编号", "项目区县代码", "学段", "学科", "培训方式", "计划学时", "实践学时", "开始日期", "结束日期", "参训人数"], true);
  const trainees = new Csv(path.join(out, "trainees.csv"), ["project_id", "teacher_id", "school_id", "county_code", "stage", "subject", "rural", "title", "years_teaching", "backbone_level"]);
  const gbkRows: string[][] = [];
  const gbkCounty = counties[1]!;
  const attendance = new Map<number, Csv>();
  for (const y of DEMO_YEARS) attendance.set(y, new Csv(path.join(out, `attendance_${y}.csv`), ["project_id", "teacher_id", "session_id", "session_date", "session_type", "planned_minutes", "sign_in", "sign_out", "status"]));
  const evalHeader = ["response_id", "project_id", "submitted_at", "duration_seconds", ...DIMENSIONS.map((_, k) => `q${pad(k + 1, 2)}`), "comment"];
  const evalFiles = new Map<string, Csv>();
  const evalFile = (instId: string) => {
    let f = evalFiles.get(instId);
    if (!f) {
      f = new Csv(path.join(out, `evaluations_${instId}.csv`), evalHeader);
      evalFiles.set(instId, f);
    }
    return f;
  };
  const assessments = new Csv(path.join(out, "assessments.csv"), ["project_id", "teacher_id", "assignments_required", "assignments_done", "practice_hours_done", "final_result", "credits"]);
  const submissions = new Csv(path.join(out, "submissions.csv"), ["project_id", "teacher_id", "assignment_id", "due_date", "submitted_at", "score"]);
  const followups = new Csv(path.join(out, "followups.csv"), ["project_id", "teacher_id", "wave", "f01", "f02", "f03", "f04", "f05", "observation_score", "submitted_at"]);
  const reviews: (string | number)[][] = [];
  const hoursByTeacherYear = new Map<string, { hours: number; it: number; itp: number }>();

  let projectNo = 0;
  let responseNo = 0;
  const projectsPerYear = Math.max(10, Math.round(80 * scale));
  const truthProjects: Record<string, { institution: string; mode: string; trueMean: number; stuffed: boolean }> = {};
  const truthRisk: { project: string; teacher: string; year: number; p: number; atRisk: boolean }[] = [];

  for (const year of DEMO_YEARS) {
    for (let p = 0; p < projectsPerYear; p++) {
      projectNo++;
      const pid = `P${year}${pad(projectNo, 5)}`;
      const ins = institutions[p % institutions.length === 0 ? 0 : r.int(0, institutions.length - 1)]!;
      const mode = ins.onlineHeavy ? (r.chance(0.85) ? "online" : "blended") : r.pick(MODES);
      const county = r.pick(counties);
      const program = r.pick(PROGRAMS);
      const stage = r.pick(STAGES);
      const subject = r.pick(SUBJECTS);
      const enrolled = r.int(20, 60);
      const hours = r.pick([24, 40, 60, 80, 120]);
      const practice = Math.round(hours * (0.2 + r.next() * 0.3));
      const start = new Date(Date.UTC(year, r.int(2, 9), r.int(1, 28)));
      const lengthDays = r.int(5, 60);
      const end = addDays(start, lengthDays);
      const running = end > DEMO_TODAY;
      await projects.row([pid, year, `${year}年${county.name}${subject}${r.pick(CATEGORIES)}`, program, r.pick(CATEGORIES), ins.id, program === "county" || program === "guopei_cw" ? county.code : "", stage, subject, mode, hours, practice, day(start), day(end), enrolled]);
      const pool = byCounty.get(county.code)!;
      const chosen = new Set<Teacher>();
      while (chosen.size < Math.min(enrolled, pool.length)) chosen.add(r.pick(pool));
      const nSessions = Math.max(4, Math.min(16, Math.round(lengthDays / 4)));
      const nAssign = r.int(2, 5);
      const ruralShare = [...chosen].filter((t) => t.rural).length / chosen.size;
      const trueMean = 4.3 + ins.quality + MODE_EFFECT[mode] - 0.15 * ruralShare;
      truthProjects[pid] = { institution: ins.id, mode, trueMean, stuffed: false };
      for (const t of chosen) {
        const row = [pid, t.id, t.school, t.county.code, t.stage, t.subject, t.rural ? 1 : 0, t.title, t.years, t.backbone];
        if (t.county === gbkCounty && year === 2025) gbkRows.push(row.map((v) => String(v)));
        else await trainees.row(row);
        // Attendance: engaged teachers come; disengaged ones drift away as the course goes on.
        let attended = 0;
        let seen = 0;
        for (let s = 1; s <= nSessions; s++) {
          const date = addDays(start, Math.floor(((s - 1) * lengthDays) / nSessions));
          if (date > DEMO_TODAY) break;
          seen++;
          const drift = -0.12 * s * (t.engagement < -0.8 ? 1 : 0);
          const pPresent = sigmoid(2.6 + 1.3 * t.engagement + drift + (mode === "online" ? -0.4 : 0));
          const u = r.next();
          const status = u < pPresent ? (r.chance(0.08) ? "late" : "present") : r.chance(0.3) ? "excused" : "absent";
          if (status === "present" || status === "late") attended++;
          const type = s % 4 === 0 ? "practice" : mode === "online" ? "online" : "face_to_face";
          const signIn = new Date(date.getTime() + (8 * 60 + (status === "late" ? r.int(10, 40) : r.int(-15, 0))) * 60000);
          const signOut = new Date(signIn.getTime() + r.int(170, 190) * 60000);
          const present = status === "present" || status === "late";
          await attendance.get(year)!.row([pid, t.id, `${pid}-S${pad(s, 2)}`, day(date), type, 180, present ? stamp(signIn) : "", present ? stamp(signOut) : "", status]);
        }
        // Assignments and their dated submissions.
        let done = 0;
        let scoreSum = 0;
        for (let a = 1; a <= nAssign; a++) {
          const due = addDays(start, Math.round((a * lengthDays) / (nAssign + 0.5)));
          if (due > DEMO_TODAY && running) {
            await submissions.row([pid, t.id, `${pid}-A${a}`, day(due), "", ""]);
            continue;
          }
          const submitted = r.chance(sigmoid(1.6 + 1.4 * t.engagement));
          const score = submitted ? Math.round(clamp(74 + 9 * t.engagement + r.normal() * 8, 0, 100)) : null;
          if (submitted) {
            done++;
            scoreSum += score!;
          }
          await submissions.row([pid, t.id, `${pid}-A${a}`, day(due), submitted ? stamp(addDays(due, -r.int(0, 3))) : "", score ?? ""]);
        }
        const attendRate = seen ? attended / seen : 1;
        // The planted risk model: the truth early warning must recover.
        const pRisk = sigmoid(-1.2 - 1.6 * t.engagement - 2.5 * (attendRate - 0.85) - 1.2 * (done / nAssign - 0.8) + (t.rural ? 0.25 : 0) + (mode === "online" ? 0.3 : 0));
        const atRisk = r.chance(pRisk);
        const result = running ? "" : atRisk ? (r.chance(0.6) ? "fail" : "incomplete") : "pass";
        truthRisk.push({ project: pid, teacher: t.id, year, p: pRisk, atRisk });
        await assessments.row([pid, t.id, nAssign, done, Math.round(practice * clamp(attendRate, 0, 1)), result, result === "pass" ? (hours / 10).toFixed(1) : ""]);
        if (!running && result === "pass") {
          const key = `${t.id}|${year}`;
          const h = hoursByTeacherYear.get(key) ?? { hours: 0, it: 0, itp: 0 };
          h.hours += hours;
          hoursByTeacherYear.set(key, h);
        }
        // Follow-ups months later: transfer into practice goes with engagement and institution quality.
        if (!running && year < 2026) {
          for (const wave of year <= 2024 ? [3, 6, 12] : [3, 6]) {
            if (!r.chance(0.65)) continue;
            const base = 4.0 + 0.45 * t.engagement + 0.5 * ins.quality + (atRisk ? -0.6 : 0);
            const items = Array.from({ length: 5 }, () => Math.round(clamp(base + r.normal() * 0.6, 1, 5)));
            const obs = Math.round(clamp(82 + 6 * t.engagement + 10 * ins.quality + r.normal() * 6, 0, 100));
            await followups.row([pid, t.id, wave, ...items, obs, stamp(addDays(end, wave * 30 + r.int(0, 10)))]);
          }
        }
      }
      // Anonymous evaluations at the end of a finished project.
      if (!running) {
        const respondents = Math.round(chosen.size * clamp(0.7 + r.next() * 0.3, 0, 1));
        const stuffed = ins.stuffing && r.chance(0.7);
        truthProjects[pid]!.stuffed = stuffed;
        const f = evalFile(ins.id);
        const extra = stuffed ? Math.round(chosen.size * 0.25) : 0;
        for (let k = 0; k < respondents + extra; k++) {
          responseNo++;
          const isStuffed = stuffed && (k >= respondents || r.chance(0.3));
          const person = r.normal() * 0.5;
          // A class filling the form together at its last session; some click one answer throughout.
          const together = opts.classTogether === true;
          const lazy = together && r.chance(0.12) ? (r.chance(0.6) ? 5 : 4) : 0;
          const offset = isStuffed ? 20 * 3600000 + k * 20000 : together ? (16 * 60 + r.int(0, 40)) * 60000 : r.int(1, 5 * 24 * 60) * 60000;
          const when = new Date(end.getTime() + offset);
          const answers = DIMENSIONS.map((_, q) => {
            if (isStuffed) return 5;
            if (lazy) return lazy;
            const v = Math.round(clamp(trueMean + person + r.normal() * 0.4, 1, 5));
            return q + 1 === REVERSE_ITEM ? 6 - v : v;
          });
          if (!isStuffed && r.chance(0.03)) answers[r.int(0, answers.length - 1)] = "" as unknown as number;
          const mean = answers.reduce((a: number, b) => a + (Number(b) || 0), 0) / answers.length;
          const comment = r.chance(0.35) ? (mean >= 4 ? r.pick(POSITIVE) : r.pick(NEGATIVE)) : "";
          await f.row([`R${pad(responseNo, 8)}`, pid, stamp(when), isStuffed ? r.int(25, 55) : lazy ? r.int(40, 90) : r.int(150, 900), ...answers, comment]);
        }
        if (r.chance(0.5)) {
          for (const reviewer of ["E01", "E02"].slice(0, r.int(1, 2))) {
            const base = clamp(86 + 12 * ins.quality + r.normal() * 4, 0, 100);
            reviews.push([pid, reviewer, day(addDays(end, r.int(1, 20))), ...[0, 1, 2, 3].map(() => Math.round(clamp(base + r.normal() * 3, 0, 100)))]);
          }
        }
      }
    }
  }

  // Untrusted comment text reaches the site; the demo carries an attack to prove it is escaped.
  const hostile = evalFile(institutions[2]!.id);
  await hostile.row([`R${pad(++responseNo, 8)}`, [...Object.keys(truthProjects)][2], "2023-06-30 10:00:00", 300, ...DIMENSIONS.map(() => 4), '<img src=x onerror="alert(1)">很好']);
  await hostile.row([`R${pad(++responseNo, 8)}`, [...Object.keys(truthProjects)][2], "2023-06-30 10:05:00", 310, ...DIMENSIONS.map(() => 3), '=HYPERLINK("http://example.invalid","点击")']);

  // Planted bad rows, one per reason, each noted in the truth file.
  const firstProject = Object.keys(truthProjects)[0]!;
  const firstTeacher = truthRisk[0]!.teacher;
  const badRows: { file: string; reason: string }[] = [];
  const bad = async (f: Csv, file: string, reason: string, row: unknown[]) => {
    await f.row(row);
    badRows.push({ file, reason });
  };
  const e0 = evalFile(institutions[3]!.id);
  const e0name = `evaluations_${institutions[3]!.id}.csv`;
  await bad(e0, e0name, "likert_out_of_scale", [`R${pad(++responseNo, 8)}`, firstProject, "2023-07-01 09:00:00", 200, ...DIMENSIONS.map((_, q) => (q === 2 ? 7 : 4)), ""]);
  await bad(e0, e0name, "unknown_reference", [`R${pad(++responseNo, 8)}`, "P9999999", "2023-07-01 09:00:00", 200, ...DIMENSIONS.map(() => 4), ""]);
  await bad(e0, e0name, "duplicate_key", [`R${pad(1, 8)}`, firstProject, "2023-07-01 09:00:00", 200, ...DIMENSIONS.map(() => 2), "重复编号"]);
  await bad(e0, e0name, "bad_datetime", [`R${pad(++responseNo, 8)}`, firstProject, "2023-13-01 09:00", 200, ...DIMENSIONS.map(() => 4), ""]);
  await bad(submissions, "submissions.csv", "out_of_range", [firstProject, firstTeacher, `${firstProject}-A9`, "2023-05-01", "2023-05-01 10:00", 120]);
  await bad(assessments, "assessments.csv", "missing_required", [firstProject, "", 3, 3, 10, "pass", 4]);
  await bad(attendance.get(2023)!, "attendance_2023.csv", "unknown_value", [firstProject, firstTeacher, `${firstProject}-S99`, "2023-05-01", "face_to_face", 180, "", "", "早退了"]);
  await bad(followups, "followups.csv", "bad_date", [firstProject, firstTeacher, 24, 4, 4, 4, 4, 4, 80, "2023-02-30"]);
  badRows[badRows.length - 1]!.reason = "bad_datetime";

  for (const f of [projects, trainees, assessments, submissions, followups, ...attendance.values(), ...evalFiles.values()]) await f.close();

  // Hours archive: programme hours plus school-based and other levels, per teacher and year.
  // It covers every teacher of a county (teachers_total), trained in a project or not.
  const hoursCsv = new Csv(path.join(out, "hours.csv"), ["teacher_id", "year", "level", "hours", "it_hours", "it_practice_hours", "county_code"]);
  for (const t of teachers) {
    for (const year of DEMO_YEARS) {
      const prog = hoursByTeacherYear.get(`${t.id}|${year}`);
      const school = Math.round(clamp(40 + 15 * t.engagement + r.normal() * 10, 0, 120));
      const it = Math.round(clamp(8 + 4 * t.engagement + r.normal() * 3, 0, 30));
      await hoursCsv.row([t.id, year, "school", school, it, Math.round(it * (0.3 + r.next() * 0.4)), t.county.code]);
      if (prog) await hoursCsv.row([t.id, year, "provincial", prog.hours, 0, 0, t.county.code]);
    }
  }
  const rh = rng((opts.seed ?? 2026) + 1); // the untrained teachers have a stream of their own
  for (const c of opts.archiveAll === false ? [] : counties) {
    for (let j = byCounty.get(c.code)!.length; j < c.teachers; j++) {
      const engagement = rh.normal();
      for (const year of DEMO_YEARS) {
        const school = Math.round(clamp(76 + 15 * engagement + rh.normal() * 10, 0, 120));
        const it = Math.round(clamp(8 + 4 * engagement + rh.normal() * 3, 0, 30));
        await hoursCsv.row([`U${c.code.slice(2)}${pad(j + 1, 5)}`, year, "school", school, it, Math.round(it * (0.3 + rh.next() * 0.4)), c.code]);
      }
    }
  }
  await hoursCsv.close();

  // A county's trainees as Excel on Chinese Windows saves them: GB18030 with Chinese headers.
  const gbkHeader = ["项目编号", "学员编号", "学校编号", "区县代码", "学段", "学科", "是否乡村", "职称", "教龄", "骨干级别"];
  const gbkText = [gbkHeader, ...gbkRows].map((row) => csvLine(row)).join("");
  await writeFile(path.join(out, `trainees_${gbkCounty.code}_gbk.csv`), iconv.encode(gbkText, "gb18030"));

  // Expert reviews arrive as a workbook with Chinese headers.
  const wb = new ExcelJS.Workbook();
  // A fixed date in the file's properties: the same seed gives the same bytes.
  wb.created = wb.modified = new Date(Date.UTC(2026, 0, 1));
  const ws = wb.addWorksheet("专家评审");
  ws.addRow(["项目编号", "专家编号", "评审日期", "方案设计", "实施过程", "组织管理", "培训成效"]);
  for (const row of reviews) ws.addRow(row);
  await wb.xlsx.writeFile(path.join(out, "expert_reviews.xlsx"));

  // The same evaluation file delivered twice.
  const twice = `evaluations_${institutions[4]!.id}.csv`;
  await copyFile(path.join(out, twice), path.join(out, `evaluations_${institutions[4]!.id} (重发).csv`));

  const rows: Record<string, number> = {
    projects: projects.rows,
    trainees: trainees.rows + gbkRows.length,
    attendance: [...attendance.values()].reduce((a, f) => a + f.rows, 0),
    evaluations: [...evalFiles.values()].reduce((a, f) => a + f.rows, 0),
    submissions: submissions.rows,
    followups: followups.rows,
    expert_reviews: reviews.length,
  };
  const truth = {
    seed: opts.seed ?? 2026,
    scale,
    today: day(DEMO_TODAY),
    institutions: Object.fromEntries(institutions.map((i) => [i.id, { quality: i.quality, onlineHeavy: i.onlineHeavy, stuffing: i.stuffing }])),
    mode_effect: MODE_EFFECT,
    bad_rows: badRows,
    duplicate_file: { original: twice, copy: `evaluations_${institutions[4]!.id} (重发).csv` },
    gbk_file: `trainees_${gbkCounty.code}_gbk.csv`,
    projects: truthProjects,
  };
  await writeFile(path.join(out, "_truth.json"), JSON.stringify(truth));
  // Per-trainee truth (planted risk) is large: kept apart as CSV.
  const tr = new Csv(path.join(out, "_truth_risk.csv"), ["project_id", "teacher_id", "year", "p_true", "at_risk"]);
  for (const t of truthRisk) await tr.row([t.project, t.teacher, t.year, t.p.toFixed(4), t.atRisk ? 1 : 0]);
  await tr.close();
  return { rows, truth };
}
