-- Φ, the standard normal distribution function (Abramowitz & Stegun 26.2.17, |error| < 7.5e-8).
CREATE OR REPLACE TEMP MACRO normal_cdf(z) AS
    CASE WHEN z IS NULL THEN NULL ELSE
        (SELECT CASE WHEN z >= 0 THEN 1 - tail ELSE tail END
         FROM (SELECT exp(-abs(z) * abs(z) / 2) / sqrt(2 * pi())
                      * (t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))))) AS tail
               FROM (SELECT 1 / (1 + 0.2316419 * abs(z)) AS t)))
    END;

-- Grain: one row per county and year in which the county's teachers were trained or its projects ran.
-- Score (0-100) = $w_indicators × mean attainment of the county's own indicators + $w_outcomes × mean
-- attainment of outcomes (weights: the project's own choice, policy county.weights), each attainment
-- in [0, 1], over the parts that have data (figures from 002_…, 004_…):
--   trainer_team     team size / $trainer_team_min (≥ 50)
--   studios          studios / ($studio_share_min × backbone teachers trained that year) (≥ 10 %)
--   dev_center, five_year_plan   0 or 1
--   budget           training budget share / $budget_share_min (≥ 5 %)
--   project_quality  mean score of the projects its teachers attended (weighted by its trainees), / 100
--   coverage         teachers trained that year / teachers_total, / $coverage_target
--   hours            teachers with ≥ 360 hours in the 5 years to that year (pro rata for teachers
--                    whose archive starts later) over teachers_total (over the teachers found in the
--                    archive where the county file gives no total): county_hours.sql
-- Uncertainty (normal approximation): project_quality carries its projects' standard errors
-- (Var = Σ n_p² se_p² / N², n_p the county's trainees in project p); the hours share a binomial
-- error over its denominator; coverage and the county's own indicators are counts, no error.
-- se is the score's; p_excellent, p_qualified = Φ((score − cut)/se); the grade by the same rule as
-- projects (P ≥ ½), and `near_cutoff` when either probability lies between 0.1 and 0.9.
CREATE TABLE county_performance AS
-- (The county-years with trainees and their teachers counted once each: county_trained, a model of
-- its own that a month of attendance leaves as it was. The projects' scores joined to their trainee
-- counts, not to every trainee: 1.3 → 0.4 s nationally.)
WITH county_years AS (
    SELECT county_code, year FROM county_trained
    UNION
    SELECT DISTINCT county_code, year FROM projects WHERE county_code IS NOT NULL AND year IS NOT NULL
),
-- project_quality: the mean score over the county's trainees of the projects with a tier (each
-- project weighted by its trainees n_p), and its variance Σ n_p² se_p² / (Σ n_p)².
quality AS (
    SELECT pp.county_code, pp.year,
           sum(pp.n * ps.score) / nullif(sum(pp.n) FILTER (WHERE ps.score IS NOT NULL), 0) AS project_quality,
           sum(pp.n * pp.n * ps.se * ps.se) / pow(sum(pp.n), 2) AS project_quality_var
    FROM (SELECT t.county_code, p.year, t.project_id, count(*) AS n
          FROM trainees t JOIN projects p USING (project_id)
          GROUP BY ALL) pp
    JOIN project_scores ps ON ps.project_id = pp.project_id AND ps.tier <> 'insufficient_data'
    GROUP BY ALL
),
own_projects AS (
    SELECT county_code, year, avg(score) AS own_quality
    FROM project_scores WHERE county_code IS NOT NULL AND tier <> 'insufficient_data'
    GROUP BY ALL
),
parts AS (
    SELECT cy.county_code, cy.year, c.name,
           least(c.trainer_team_size / $trainer_team_min, 1.0) AS a_trainer_team,
           CASE WHEN c.studios IS NULL THEN NULL
                WHEN coalesce(tr.backbone_trained, 0) = 0 THEN 1.0
                ELSE least(c.studios / ($studio_share_min * tr.backbone_trained), 1.0) END AS a_studios,
           CAST(c.has_dev_center AS DOUBLE) AS a_dev_center,
           CAST(c.five_year_plan AS DOUBLE) AS a_five_year_plan,
           least(c.training_budget_share / $budget_share_min, 1.0) AS a_budget,
           coalesce(q.project_quality, op.own_quality) / 100 AS a_project_quality,
           least(tr.teachers_trained / nullif(c.teachers_total, 0) / $coverage_target, 1.0) AS a_coverage,
           hs.hours_share AS a_hours,
           c.trainer_team_size, c.studios, c.teachers_total, c.training_budget_share,
           tr.teachers_trained, tr.backbone_trained,
           tr.teachers_trained / nullif(c.teachers_total, 0) AS coverage,
           coalesce(q.project_quality, op.own_quality) AS project_quality,
           hs.hours_share, hs.teachers_meeting_hours,
           CASE WHEN q.project_quality IS NOT NULL THEN q.project_quality_var END / 10000 AS var_project_quality,
           hs.hours_share * (1 - hs.hours_share) / hs.hours_denominator AS var_hours
    FROM county_years cy
    LEFT JOIN counties c USING (county_code)
    LEFT JOIN county_trained tr USING (county_code, year)
    LEFT JOIN own_projects op USING (county_code, year)
    LEFT JOIN county_hours hs USING (county_code, year)
    LEFT JOIN quality q USING (county_code, year)
),
scored AS (
    SELECT *,
           list_avg(list_filter([a_trainer_team, a_studios, a_dev_center, a_five_year_plan, a_budget], x -> x IS NOT NULL)) AS indicators,
           list_avg(list_filter([a_project_quality, a_coverage, a_hours], x -> x IS NOT NULL)) AS outcomes,
           len(list_filter([a_project_quality, a_coverage, a_hours], x -> x IS NOT NULL)) AS n_outcomes
    FROM parts
),
final AS (
    SELECT *,
           100 * CASE WHEN indicators IS NOT NULL AND outcomes IS NOT NULL THEN $w_indicators * indicators + $w_outcomes * outcomes
                      ELSE coalesce(indicators, outcomes) END AS score,
           -- d score / d outcome part = 100 × (outcome weight) / (parts present)
           100 * CASE WHEN indicators IS NOT NULL THEN $w_outcomes ELSE 1 END / nullif(n_outcomes, 0)
               * sqrt(coalesce(var_project_quality, 0) + coalesce(var_hours, 0)) AS se
    FROM scored
),
probable AS (
    SELECT *,
           CASE WHEN se > 0 THEN normal_cdf((score - $excellent) / se) ELSE CAST(score >= $excellent AS DOUBLE) END AS p_excellent,
           CASE WHEN se > 0 THEN normal_cdf((score - $qualified) / se) ELSE CAST(score >= $qualified AS DOUBLE) END AS p_qualified
    FROM final
)
SELECT year, county_code, name, round(score, 2) AS score,
       CASE WHEN score IS NULL THEN NULL
            WHEN p_excellent >= 0.5 THEN 'excellent'
            WHEN p_qualified >= 0.5 THEN 'qualified'
            ELSE 'unqualified' END AS grade,
       CASE WHEN score IS NULL THEN NULL
            WHEN p_excellent >= 0.5 THEN $support_excellent
            WHEN p_qualified >= 0.5 THEN $support_qualified
            ELSE $support_unqualified END AS support_cny,
       round(se, 3) AS se, round(greatest(score - 1.959964 * se, 0), 2) AS ci_low, round(least(score + 1.959964 * se, 100), 2) AS ci_high,
       round(p_excellent, 3) AS p_excellent, round(p_qualified, 3) AS p_qualified,
       (p_excellent BETWEEN 0.1 AND 0.9) OR (p_qualified BETWEEN 0.1 AND 0.9) AS near_cutoff,
       round(100 * indicators, 1) AS indicators_score, round(100 * outcomes, 1) AS outcomes_score,
       trainer_team_size, studios, backbone_trained, CAST(a_dev_center AS INT) AS has_dev_center,
       CAST(a_five_year_plan AS INT) AS five_year_plan, training_budget_share,
       teachers_total, teachers_trained, round(coverage, 4) AS coverage,
       round(project_quality, 2) AS project_quality, round(hours_share, 4) AS hours_share, teachers_meeting_hours
FROM probable
ORDER BY year, county_code
