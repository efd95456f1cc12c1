-- The published grouping summaries hold only grouping types seed grouping_types marks published (never link adviser
-- caseloads), no grouping named after an adviser on any version of the advisers return, and no support category
-- count (restricted: fct_grouping_current).
-- Shown in Dagster as a check on rpt_grouping__summaries.
{{ config(meta={'dagster': {'ref': {'name': 'rpt_grouping__summaries'}}}) }}
with

summaries as (

    select * from {{ ref('rpt_grouping__summaries') }}

),

grouping_types as (

    select * from {{ ref('grouping_types') }}

),

advisers as (

    select distinct lower(trim(adviser_name)) as adviser_name
    from {{ source('raw_returns', 'raw_returns__advisers') }}

)

select summaries.grouping_type, summaries.grouping_name, summaries.figure_code, 'restricted grouping type' as problem
from summaries
inner join grouping_types
    on grouping_types.grouping_type = summaries.grouping_type
where not grouping_types.is_published
union all
select summaries.grouping_type, summaries.grouping_name, summaries.figure_code, 'named after an adviser'
from summaries
inner join advisers
    on advisers.adviser_name = lower(trim(summaries.grouping_name))
union all
select grouping_type, grouping_name, figure_code, 'support category count'
from summaries
where figure_code like 'category_%'
    or figure_code like '%causing_concern%'
    or figure_code = 'categorised_schools'
