-- Grain: one row per evaluation response with a non-blank comment, of a project with at least
-- $min_group responses (a comment from a smaller class could be told apart).
-- Comments are personal data until scrubbed: what identifies a person is replaced by a tag, in
-- this order (an ID number would otherwise read as a phone number), each count kept:
--   [身份证] ID card numbers (18 digits, the last may be X; or 15 digits)
--   [电话]   mobile numbers (+86 optional, spaces or dashes inside) and landlines with area code
--   [邮箱]   e-mail addresses
--   [QQ]     QQ numbers after QQ/扣扣;  [微信] WeChat ids after 微信/wx/vx/WeChat
--   [姓名]   a name after 我叫/姓名/名字, or a surname (or 小/阿) with up to two characters before
--            老师/同学/校长/主任/教授/园长/书记/助教 (王小明老师 → [姓名]老师)
CREATE TABLE comments_public AS
WITH big AS (
    SELECT project_id FROM evaluations GROUP BY ALL HAVING count(*) >= $min_group
),
raw AS (
    SELECT e.response_id, e.project_id, e.comment AS c0
    FROM evaluations e JOIN big USING (project_id)
    WHERE nullif(trim(e.comment), '') IS NOT NULL
),
-- Each distinct text once (comments repeat: 很好, 无 …), and each pattern only where a cheap test
-- says it can match: a national year has millions of comments.
texts AS (SELECT DISTINCT c0 FROM raw),
patterns AS (
    SELECT '(^|[^0-9])([1-9][0-9]{16}[0-9Xx]|[1-9][0-9]{14})([^0-9Xx]|$)' AS id_card,
           '(^|[^0-9+])((?:\+?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}|0[1-9][0-9]{1,2}[ -]?[0-9]{7,8})([^0-9]|$)' AS phone,
           '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}' AS email,
           '(?i)(qq|扣扣)[ ]*(号码|号)?[ ]*[:：]?[ ]*[0-9]{5,11}' AS qq,
           '(?i)(微信|weixin|wechat|vx|wx)[ ]*(号)?[ ]*[:：]?[ ]*[A-Za-z][-_A-Za-z0-9]{4,19}' AS wechat,
           '(我叫|姓名|名字叫|名字是)[ ]*[:：]?[ ]*\p{Han}{2,3}' AS self_name,
           '(小|阿|王|李|张|刘|陈|杨|黄|赵|吴|周|徐|孙|马|朱|胡|郭|何|林|罗|高|郑|梁|谢|宋|唐|许|韩|冯|邓|曹|彭|曾|肖|田|董|袁|潘|蒋|蔡|余|杜|叶|程|苏|魏|吕|丁|任|沈|姚|卢|姜|崔|钟|谭|陆|汪|范|金|石|廖|贾|夏|韦|付|方|白|邹|孟|熊|秦|邱|江|尹|薛|闫|段|雷|侯|龙|史|陶|黎|贺|顾|毛|郝|龚|邵|万|钱|严|覃|武|戴|莫|孔|汤|欧阳|司马|诸葛)\p{Han}{0,2}?(老师|同学|校长|主任|教授|园长|书记|助教)' AS titled_name
),
s1 AS (
    SELECT c0,
           CASE WHEN regexp_matches(c0, '[0-9]{15}') THEN len(regexp_extract_all(c0, id_card, 2)) ELSE 0 END AS n_id_card,
           CASE WHEN regexp_matches(c0, '[0-9]{15}') THEN regexp_replace(c0, id_card, '\1[身份证]\3', 'g') ELSE c0 END AS c1
    FROM texts, patterns
),
s2 AS (
    SELECT s1.*,
           CASE WHEN regexp_matches(c1, '[0-9]{4}') THEN len(regexp_extract_all(c1, phone, 2)) ELSE 0 END AS n_phone,
           CASE WHEN regexp_matches(c1, '[0-9]{4}') THEN regexp_replace(c1, phone, '\1[电话]\3', 'g') ELSE c1 END AS c2
    FROM s1, patterns
),
s3 AS (
    SELECT s2.*,
           CASE WHEN contains(c2, '@') THEN len(regexp_extract_all(c2, email)) ELSE 0 END AS n_email,
           CASE WHEN contains(c2, '@') THEN regexp_replace(c2, email, '[邮箱]', 'g') ELSE c2 END AS c3
    FROM s2, patterns
),
s4 AS (
    SELECT s3.*,
           CASE WHEN contains(lower(c3), 'qq') OR contains(c3, '扣扣') THEN len(regexp_extract_all(c3, qq)) ELSE 0 END AS n_qq,
           CASE WHEN contains(lower(c3), 'qq') OR contains(c3, '扣扣') THEN regexp_replace(c3, qq, '[QQ]', 'g') ELSE c3 END AS c4
    FROM s3, patterns
),
s5 AS (
    SELECT s4.*,
           CASE WHEN regexp_matches(lower(c4), '微信|weixin|wechat|vx|wx') THEN len(regexp_extract_all(c4, wechat)) ELSE 0 END AS n_wechat,
           CASE WHEN regexp_matches(lower(c4), '微信|weixin|wechat|vx|wx') THEN regexp_replace(c4, wechat, '[微信]', 'g') ELSE c4 END AS c5
    FROM s4, patterns
),
s6 AS (
    SELECT s5.*,
           CASE WHEN regexp_matches(c5, '我叫|姓名|名字') THEN regexp_replace(c5, self_name, '\1[姓名]', 'g') ELSE c5 END AS c5b,
           CASE WHEN regexp_matches(c5, '我叫|姓名|名字') THEN len(regexp_extract_all(c5, self_name)) ELSE 0 END AS n_self
    FROM s5, patterns
),
-- Words whose first character is also a surname (班主任老师, 任课老师, 历史老师, 小学老师) are set
-- aside before the name pattern runs, and put back after.
s6p AS (
    SELECT s6.*, replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(c5b, '班主任', chr(57344)), '任课', chr(57345)), '专任', chr(57346)), '兼任', chr(57347)), '历史', chr(57348)), '高中', chr(57349)), '高校', chr(57350)), '高职', chr(57351)), '小学', chr(57352)), '小组', chr(57353)), '小班', chr(57354)), '马上', chr(57355)), '方面', chr(57356)), '多方', chr(57357)), '各方', chr(57358)), '双方', chr(57359)) AS c5p FROM s6
),
s7 AS (
    SELECT s6p.*,
           CASE WHEN regexp_matches(c5p, '老师|同学|校长|主任|教授|园长|书记|助教') THEN len(regexp_extract_all(c5p, titled_name)) ELSE 0 END + n_self AS n_name,
           replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(CASE WHEN regexp_matches(c5p, '老师|同学|校长|主任|教授|园长|书记|助教') THEN regexp_replace(c5p, titled_name, '[姓名]\2', 'g') ELSE c5p END, chr(57344), '班主任'), chr(57345), '任课'), chr(57346), '专任'), chr(57347), '兼任'), chr(57348), '历史'), chr(57349), '高中'), chr(57350), '高校'), chr(57351), '高职'), chr(57352), '小学'), chr(57353), '小组'), chr(57354), '小班'), chr(57355), '马上'), chr(57356), '方面'), chr(57357), '多方'), chr(57358), '各方'), chr(57359), '双方') AS c6
    FROM s6p, patterns
)
SELECT r.response_id, r.project_id, s7.c6 AS comment, n_id_card, n_phone, n_email, n_qq, n_wechat, n_name
FROM raw r JOIN s7 USING (c0)
ORDER BY r.response_id
