-- A booklet's "Latest Ofsted outcome" is the newest inspection its own inspection history lists, in any regime (a
-- booklet once stated a 2024 grade above a 2026 report card). Shown in Dagster as a check on rpt_booklet__schools.
{{ config(meta={'dagster': {'ref': {'name': 'rpt_booklet__schools'}}}) }}
with

schools as (

    select * from {{ ref('rpt_booklet__schools') }}

),

history as (

    select * from {{ ref('rpt_booklet__inspection_history') }}

),

latest_listed as (

    {{ keep_rows('history', 'row_number() over (
        partition by urn
        order by inspection_start_date desc nulls last, publication_date desc nulls last, inspection_number desc nulls last
    ) = 1') }}

)

select schools.urn, schools.latest_ofsted_inspection_number, latest_listed.inspection_number as newest_in_history
from schools
inner join latest_listed
    on latest_listed.urn = schools.urn
where schools.latest_ofsted_inspection_number is distinct from latest_listed.inspection_number
