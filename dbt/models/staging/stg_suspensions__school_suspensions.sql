{#- School rows of DfE's school-level suspensions and permanent exclusions file (EES): one row per school and
    academic year, the newest file's. Rates are per 100 pupils on roll; the counts let areas be recomputed. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_academic_years',
        on_schema_change='sync_all_columns',
        tags=['academic_year_partitioned'],
    )
}}

with

source as (

    select * from {{ source('raw', 'raw_suspensions') }}
    where record_type = 'school'
        and {{ academic_year_filter() }}

),

latest as (

    {{ keep_rows('source', is_latest_release(['urn', 'academic_year'])) }}

),

final as (

    select
        urn,
        la as la_code,
        academic_year,
        education_phase as phase_code,
        cast(headcount as integer) as pupils_on_roll,
        headcount_reason as pupils_on_roll_reason,
        cast(suspension as integer) as suspensions,
        suspension_reason as suspensions_reason,
        susp_rate as suspension_rate,
        susp_rate_reason as suspension_rate_reason,
        cast(one_plus_susp as integer) as pupils_suspended,
        one_plus_susp_reason as pupils_suspended_reason,
        one_plus_susp_rate as pupils_suspended_pct,
        one_plus_susp_rate_reason as pupils_suspended_pct_reason,
        cast(perm_excl as integer) as permanent_exclusions,
        perm_excl_reason as permanent_exclusions_reason,
        perm_excl_rate as permanent_exclusion_rate,
        perm_excl_rate_reason as permanent_exclusion_rate_reason,
        data_version,
        source_file,
        source_row_number,
        loaded_at
    from latest

)

select * from final
