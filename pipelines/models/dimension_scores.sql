-- Grain: one row per year and dimension for the province (institution_id null), and per year,
-- institution and dimension for each institution with at least $min_group responses.
-- Each response's dimension score (items reverse-coded and rescaled 0-100, as in response_scores),
-- weighted by its integrity weight; an institution's percentile among those shown that year.
CREATE TABLE dimension_scores AS
WITH item AS (
  -- Each response's dimension scores (analytics/answers.ts, perDimensionSql: the mean of the dimension's items
  -- answered, read across the response's row), of the responses that count.
  SELECT response_id, dimension, v
  FROM _dimension_items SEMI JOIN (SELECT response_id FROM response_scores WHERE weight > 0 AND year IS NOT NULL) r USING (response_id)),
g AS (
  SELECT year, institution_id, dimension, count(*) AS n_responses, sum(weight * v) / sum(weight) AS score, GROUPING(institution_id) AS province
  FROM item JOIN response_scores USING (response_id) GROUP BY GROUPING SETS ((year, dimension), (year, institution_id, dimension))),
-- (ranked on the score rounded to 6 places: sums in parallel differ in the last bits, and ties must stay ties)
shown AS (SELECT * FROM g WHERE province = 1 OR (institution_id IS NOT NULL AND n_responses >= $min_group))
SELECT year, CASE WHEN province = 1 THEN NULL ELSE institution_id END AS institution_id, dimension, n_responses, round(round(score, 9), 2) AS score,
       CASE WHEN province = 0 THEN round(100 * percent_rank() OVER (PARTITION BY year, dimension, province ORDER BY round(score, 6)), 0) END AS percentile
FROM shown;
