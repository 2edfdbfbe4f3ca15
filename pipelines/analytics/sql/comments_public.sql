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
patterns AS (
    SELECT '(^|[^0-9])([1-9][0-9]{16}[0-9Xx]|[1-9][0-9]{14})([^0-9Xx]|$)' AS id_card,
           '(^|[^0-9+])((?:\+?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}|0[1-9][0-9]{1,2}[ -]?[0-9]{7,8})([^0-9]|$)' AS phone,
           '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}' AS email,
           '(?i)(qq|扣扣)[ ]*(号码|号)?[ ]*[:：]?[ ]*[0-9]{5,11}' AS qq,
           '(?i)(微信|weixin|wechat|vx|wx)[ ]*(号)?[ ]*[:：]?[ ]*[A-Za-z][-_A-Za-z0-9]{4,19}' AS wechat,
           '(我叫|姓名|名字叫|名字是)[ ]*[:：]?[ ]*\p{Han}{2,3}' AS self_name,
           '(小|阿|王|李|张|刘|陈|杨|黄|赵|吴|周|徐|孙|马|朱|胡|郭|何|林|罗|高|郑|梁|谢|宋|唐|许|韩|冯|邓|曹|彭|曾|肖|田|董|袁|潘|蒋|蔡|余|杜|叶|程|苏|魏|吕|丁|任|沈|姚|卢|姜|崔|钟|谭|陆|汪|范|金|石|廖|贾|夏|韦|付|方|白|邹|孟|熊|秦|邱|江|尹|薛|闫|段|雷|侯|龙|史|陶|黎|贺|顾|毛|郝|龚|邵|万|钱|严|覃|武|戴|莫|孔|汤|欧阳|司马|诸葛)\p{Han}{0,2}?(老师|同学|校长|主任|教授|园长|书记|助教)' AS titled_name
),
s AS (
    SELECT r.response_id, r.project_id, c0,
           len(regexp_extract_all(c0, id_card, 2)) AS n_id_card,
           regexp_replace(c0, id_card, '\1[身份证]\3', 'g') AS c1
    FROM raw r, patterns
),
s2 AS (
    SELECT s.*, len(regexp_extract_all(c1, phone, 2)) AS n_phone, regexp_replace(c1, phone, '\1[电话]\3', 'g') AS c2 FROM s, patterns
),
s3 AS (
    SELECT s2.*, len(regexp_extract_all(c2, email)) AS n_email, regexp_replace(c2, email, '[邮箱]', 'g') AS c3 FROM s2, patterns
),
s4 AS (
    SELECT s3.*, len(regexp_extract_all(c3, qq)) AS n_qq, regexp_replace(c3, qq, '[QQ]', 'g') AS c4 FROM s3, patterns
),
s5 AS (
    SELECT s4.*, len(regexp_extract_all(c4, wechat)) AS n_wechat, regexp_replace(c4, wechat, '[微信]', 'g') AS c5 FROM s4, patterns
),
s6 AS (
    SELECT s5.*,
           len(regexp_extract_all(c5, self_name)) + len(regexp_extract_all(regexp_replace(c5, self_name, '\1[姓名]', 'g'), titled_name)) AS n_name,
           regexp_replace(regexp_replace(c5, self_name, '\1[姓名]', 'g'), titled_name, '[姓名]\2', 'g') AS c6
    FROM s5, patterns
)
SELECT response_id, project_id, c6 AS comment, n_id_card, n_phone, n_email, n_qq, n_wechat, n_name
FROM s6
ORDER BY response_id
