{#- Which academic years each key stage's data covers, in the terms a reader needs: loaded (with its release), not
    published by DfE (and why: seed performance_table_availability), or published but not loaded here. Reports turn
    these rows into a sentence per key stage ("2019-20 and 2020-21: not published ...; 2021-22 to 2024-25: not
    loaded"), so a missing year is never left for the reader to guess. -#}
with

availability as (

    select * from {{ ref('performance_table_availability') }}

),

ks2 as (

    select distinct academic_year, data_version from {{ ref('stg_ks2__la_results') }}
    where la_code = {{ var('la_code') }}

),

ks4 as (

    select distinct academic_year, data_version from {{ ref('stg_ks4__la_results') }}
    where la_code = {{ var('la_code') }}

),

loaded as (

    select 'KS2' as key_stage, academic_year, data_version from ks2
    union all
    select 'KS4' as key_stage, academic_year, data_version from ks4

),

-- Years from the first one DfE published in the seed to the last, per key stage.
final as (

    select
        availability.key_stage,
        availability.academic_year,
        case
            when loaded.academic_year is not null then 'loaded'
            when not availability.school_level_published then 'not published'
            else 'not loaded'
        end as coverage_state,
        loaded.data_version,
        case when loaded.academic_year is null and not availability.school_level_published
            then availability.reason end as reason
    from availability
    left join loaded
        on loaded.key_stage = availability.key_stage
        and loaded.academic_year = availability.academic_year

)

select * from final
