{#- KS2 and KS4 pupil-group and subject results of state-funded schools, their LAs and England, with each measure's
    and group's definition (seeds pupil_group_measures, pupil_groups). A table, not a view: fct_pupil_group_gaps
    joins it to itself three times, and at national scale (1.4 million rows) the view ran out of DuckDB's 1 GB. -#}
{{ config(materialized='table') }}
with

ks2 as (

    select * from {{ ref('stg_ks2__pupil_group_results') }}

),

ks4 as (

    select * from {{ ref('stg_ks4__pupil_group_results') }}

),

measures as (

    select * from {{ ref('pupil_group_measures') }}

),

groups as (

    select * from {{ ref('pupil_groups') }}

),

results as (

    select * from ks2
    union all
    select * from ks4

),

final as (

    select
        results.geography_level,
        coalesce(cast(results.urn as varchar), cast(results.la_code as varchar), 'england') as area_code,
        results.urn,
        results.la_code,
        results.academic_year,
        results.key_stage,
        results.measure_code,
        measures.measure_name,
        measures.unit,
        measures.decimal_places,
        measures.widening_change_at_least,
        results.group_code,
        groups.group_name,
        groups.comparison_group_code,
        results.measure_value,
        results.measure_value_reason,
        results.group_pupils,
        results.group_pupils_reason,
        results.data_version
    from results
    inner join measures
        on measures.key_stage = results.key_stage
        and measures.measure_code = results.measure_code
    inner join groups
        on groups.group_code = results.group_code
    where results.is_state_funded

)

select * from final
