-- A special-value reason belongs to a NULL value only; a value and a reason together would blur
-- 'suppressed' / 'not published' with a real figure.
-- Shown in Dagster as a check on fct_ks2_school_year.
{{ config(meta={'dagster': {'ref': {'name': 'fct_ks2_school_year'}}}) }}
select urn, academic_year, 'rwm_expected_pct' as measure
from {{ ref('fct_ks2_school_year') }}
where rwm_expected_pct is not null and rwm_expected_pct_reason is not null
union all
select urn, academic_year, 'attainment8_score'
from {{ ref('fct_ks4_school_year') }}
where attainment8_score is not null and attainment8_score_reason is not null
union all
select urn, academic_year, 'progress8_score'
from {{ ref('fct_ks4_school_year') }}
where progress8_score is not null and progress8_score_reason is not null
