// Evaluations stay anonymous, judged by content as well as by name: a column whose values look
// like people (ID card numbers with a valid check digit, mobile numbers, the roster's teacher ids)
// gets the whole file refused, with the column and the reason.
import { ident, type Db } from "../lib/db.ts";
import { readCsv } from "./validate.ts";

/** Headers that name a person, after lower-casing and dropping spaces, `_`, `-` and `.`. */
export const IDENTITY_HEADER =
  /^(teacher(id|name|no|number)?|trainee(id|name|no)?|student(id|no|number)?|name|fullname|realname|idcard|idno|idnumber|identity|phone|mobile|tel|telephone|email|qq|wechat|weixin|学员(编号|号|姓名)?|教师(编号|姓名)?|学号|工号|姓名|真实姓名|名字|身份证(号|号码)?|证件号(码)?|手机(号|号码)?|联系(电话|方式)|电话(号码)?|邮箱|微信(号)?|qq号?)$/;

export const normaliseHeader = (h: string) => h.trim().toLowerCase().replace(/[\s_\-.]/g, "");

/** GB 11643 check digit: weights 2^(17−i) mod 11 over the first 17 digits. */
export function validIdCard(s: string): boolean {
  if (!/^[1-9]\d{16}[\dXx]$/.test(s)) return false;
  const sum = [...s.slice(0, 17)].reduce((a, d, i) => a + Number(d) * (2 ** (17 - i) % 11), 0);
  return "10X98765432"[sum % 11] === s[17]!.toUpperCase();
}

const SAMPLE = 2000;
/** A column is a person's when at least this share of its sampled non-empty values, and 3 values, look like one. */
const SHARE = 0.3;

/** The first column among `headers` whose values identify people, with why; null when none does. */
export async function identityColumn(db: Db, csv: string, delim: string, headers: string[], hasRoster: boolean): Promise<string | null> {
  for (const h of headers) {
    const v = `trim(CAST(${ident(h)} AS VARCHAR))`;
    const [row] = await db.all<{ n: bigint; mobile: bigint; idlike: bigint; roster: bigint | null }>(
      `SELECT count(*) AS n,
              count(*) FILTER (WHERE regexp_full_match(v, '(\\+?86)?1[3-9][0-9]{9}')) AS mobile,
              count(*) FILTER (WHERE regexp_full_match(v, '[1-9][0-9]{16}[0-9Xx]')) AS idlike,
              ${hasRoster ? "count(*) FILTER (WHERE v IN (SELECT teacher_id FROM trainees))" : "NULL"} AS roster
       FROM (SELECT ${v} AS v FROM ${readCsv(delim)} LIMIT ${SAMPLE}) WHERE v IS NOT NULL AND v <> ''`,
      { csv },
    );
    const n = Number(row?.n ?? 0);
    const enough = (k: number) => k >= 3 && k >= SHARE * n;
    if (enough(Number(row?.idlike ?? 0))) {
      const ids = await db.all<{ v: string }>(
        `SELECT v FROM (SELECT ${v} AS v FROM ${readCsv(delim)} LIMIT ${SAMPLE}) WHERE regexp_full_match(v, '[1-9][0-9]{16}[0-9Xx]') LIMIT 200`,
        { csv },
      );
      const valid = ids.filter((r) => validIdCard(r.v)).length;
      if (enough(valid)) return `column "${h}" holds ID card numbers (${valid} of ${n} sampled values, with valid check digits)`;
    }
    if (enough(Number(row?.mobile ?? 0))) return `column "${h}" holds mobile phone numbers (${row!.mobile} of ${n} sampled values)`;
    if (row?.roster !== null && enough(Number(row?.roster ?? 0))) return `column "${h}" holds the roster's teacher ids (${row!.roster} of ${n} sampled values)`;
  }
  return null;
}
