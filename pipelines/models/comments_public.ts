import { count, projectId } from "./columns.ts";
import { defineModel } from "./model.ts";

export default defineModel({
  name: "comments_public",
  grain: "one row per evaluation response with a non-blank comment, of a project with at least min_group_comments responses",
  key: ["response_id"],
  dependsOn: ["evaluations"],
  columns: {
    response_id: { type: "text", doc: "问卷编号 response id", notNull: true },
    project_id: projectId,
    comment: { type: "text", doc: "意见（已脱敏） the comment, personal data replaced by tags", notNull: true },
    n_id_card: count("身份证号 ID numbers replaced", true),
    n_phone: count("电话 phone numbers replaced", true),
    n_email: count("邮箱 e-mail addresses replaced", true),
    n_qq: count("QQ numbers replaced", true),
    n_wechat: count("微信 WeChat ids replaced", true),
    n_name: count("姓名 names replaced", true),
  },
  build: { sql: ({ policy }) => ({ min_group: policy.min_group_comments }) },
  async after({ db, notes }) {
    const [scrub] = await db.all<Record<string, bigint | null>>(
      `SELECT count(*) AS comments, sum(n_id_card) AS id_card, sum(n_phone) AS phone, sum(n_email) AS email, sum(n_qq) AS qq, sum(n_wechat) AS wechat, sum(n_name) AS name FROM comments_public`,
    );
    notes.comments_scrubbed = Object.fromEntries(Object.entries(scrub ?? {}).map(([k, v]) => [k, Number(v ?? 0)]));
  },
});
