// Comments are personal data until scrubbed (models/comments_public.sql): known answers on the real DuckDB.
import { describe, expect, it } from "vitest";
import { openDb } from "../../pipelines/lib/db.ts";
import { parsePolicy } from "../../pipelines/lib/policy.ts";
import commentsPublic from "../../pipelines/models/comments_public.ts";
import { buildModel } from "../../pipelines/models/model.ts";

const CASES: [string, string, Partial<Record<"n_id_card" | "n_phone" | "n_email" | "n_qq" | "n_wechat" | "n_name", number>>][] = [
  ["王小明老师讲得差，联系电话13812345678，身份证410101199001011234", "[姓名]老师讲得差，联系电话[电话]，身份证[身份证]", { n_name: 1, n_phone: 1, n_id_card: 1 }],
  ["手机 +86 139-1234-5678 或 0371-65432100", "手机 [电话] 或 [电话]", { n_phone: 2 }],
  ["老身份证 41010119900101X 不算，旧的 410101900101123 算", "老身份证 41010119900101X 不算，旧的 [身份证] 算", { n_id_card: 1 }],
  ["邮箱 wang.xm@example.com，QQ：12345678，微信号: wxid_abc123", "邮箱 [邮箱]，[QQ]，[微信]", { n_email: 1, n_qq: 1, n_wechat: 1 }],
  ["我叫李娜，欧阳明老师和张同学都很好", "我叫[姓名]，[姓名]老师和[姓名]同学都很好", { n_name: 3 }],
  ["各位老师辛苦了，课程内容很实用，希望多一些实践", "各位老师辛苦了，课程内容很实用，希望多一些实践", {}],
  // Roles and subjects whose first character is also a surname are not names.
  ["班主任老师很负责，任课老师和历史老师、小学老师都好，马上就用", "班主任老师很负责，任课老师和历史老师、小学老师都好，马上就用", {}],
  ["班主任王芳老师很负责，王主任也来了", "班主任[姓名]老师很负责，[姓名]主任也来了", { n_name: 2 }],
  ["评分5分，40学时，2024年3月", "评分5分，40学时，2024年3月", {}],
];

describe("comment scrubbing", () => {
  it("replaces phones, ID numbers, e-mail, QQ, WeChat and names by tags, counting each, and leaves the rest", async () => {
    const db = await openDb(":memory:");
    try {
      await db.run(`CREATE TABLE evaluations (response_id VARCHAR, project_id VARCHAR, comment VARCHAR)`);
      for (const [i, [text]] of CASES.entries()) await db.run(`INSERT INTO evaluations VALUES ($id, 'P1', $c)`, { id: `R${i}`, c: text });
      await db.run(`INSERT INTO evaluations VALUES ('R-small', 'P2', '赵小刚老师 13900001111')`);
      await buildModel({ db, policy: parsePolicy({ min_group_comments: 5 }), notes: {}, memo: new Map() }, commentsPublic);
      const rows = await db.all<Record<string, unknown>>(`SELECT * FROM comments_public ORDER BY response_id`);
      // P2 has one response: below the minimum, its comment is not there at all.
      expect(rows.map((r) => r.project_id)).not.toContain("P2");
      for (const [i, [, expected, counts]] of CASES.entries()) {
        const r = rows.find((x) => x.response_id === `R${i}`)!;
        expect(r.comment, CASES[i]![0]).toBe(expected);
        for (const k of ["n_id_card", "n_phone", "n_email", "n_qq", "n_wechat", "n_name"] as const) expect(Number(r[k]), `${k} in ${CASES[i]![0]}`).toBe(counts[k] ?? 0);
      }
    } finally {
      db.close();
    }
  });
});
