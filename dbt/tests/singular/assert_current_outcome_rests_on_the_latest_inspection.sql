-- No school's current Ofsted outcome (and so its category, tier and intervention status) rests on an inspection older
-- than its latest one, in any regime: the latest inspection is the school's newest (its own, else its predecessors').
-- Shown in Dagster as a check on fct_school_latest_ofsted.
{{ config(meta={'dagster': {'ref': {'name': 'fct_school_latest_ofsted'}}}) }}
with

latest as (

    select * from {{ ref('fct_school_latest_ofsted') }}

),

history as (

    select * from {{ ref('int_school_inspection_history') }}

),

newest as (

    select urn, max(inspection_start_date) as newest_start_date
    from history
    where generations_back = (select min(h.generations_back) from history as h where h.urn = history.urn)
    group by urn

)

select latest.urn, latest.inspection_start_date, newest.newest_start_date
from latest
inner join newest
    on newest.urn = latest.urn
where latest.inspection_start_date is distinct from newest.newest_start_date
    or latest.judgement_start_date > latest.inspection_start_date
