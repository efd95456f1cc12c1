-- When a school has no inspection of its own but a predecessor was judged, the current outcome comes from the chain.
-- Shown in Dagster as a check on fct_school_latest_ofsted.
{{ config(meta={'dagster': {'ref': {'name': 'fct_school_latest_ofsted'}}}) }}
with

latest as (

    select * from {{ ref('fct_school_latest_ofsted') }}

),

chain_judged as (

    select distinct history.urn
    from {{ ref('int_school_inspection_history') }} as history
    where history.is_graded

)

select latest.urn
from latest
inner join chain_judged
    on chain_judged.urn = latest.urn
where latest.ofsted_outcome_state in ('not_inspected', 'no_grade')
