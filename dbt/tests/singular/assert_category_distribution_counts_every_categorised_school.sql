-- The committee's category table accounts for every categorised school exactly once.
-- Shown in Dagster as a check on rpt_committee__category_distribution.
{{ config(meta={'dagster': {'ref': {'name': 'rpt_committee__category_distribution'}}}) }}
with

distribution as (

    select sum(school_count) as school_count from {{ ref('rpt_committee__category_distribution') }}

),

categorised as (

    select count(*) as school_count
    from {{ ref('fct_school_support_category') }}
    where categorisation_status = 'categorised'

)

select distribution.school_count as distribution_count, categorised.school_count as categorised_count
from distribution
cross join categorised
where distribution.school_count <> categorised.school_count
