{#- School rows of the absence files (england_abs.csv to 2023-24, EES's tidy school file after): overall and
    persistent absence per school and year. Persistent absence used a 15% threshold before 2015-16 and 10% since;
    the threshold travels with every figure. EES files add authorised, unauthorised and severe absence and the
    session and enrolment counts. -#}
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

    select * from {{ source('raw', 'raw_absence') }}
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
        estab as establishment_number,
        academic_year,
        education_phase as phase_code,
        perctot as overall_absence_pct,
        perctot_reason as overall_absence_pct_reason,
        ppersabs as persistent_absence_pct,
        ppersabs_reason as persistent_absence_pct_reason,
        persistent_absence_threshold_pct,
        authorised_pct as authorised_absence_pct,
        authorised_pct_reason as authorised_absence_pct_reason,
        unauthorised_pct as unauthorised_absence_pct,
        unauthorised_pct_reason as unauthorised_absence_pct_reason,
        severe_absence_pct,
        severe_absence_pct_reason,
        cast(enrolments as integer) as enrolments,
        cast(persistent_absentees as integer) as persistent_absentees,
        cast(sessions_possible as bigint) as sessions_possible,
        cast(sessions_missed as bigint) as sessions_missed,
        file_layout,
        data_version,
        source_file,
        source_row_number,
        loaded_at
    from latest

)

select * from final
