{#- The absence files' own area rows: England by phase (england_abs.csv 'NAT' rows: PRI, SEC, SPE) and, in EES
    files, each LA by phase and both in total ('ALL'). One row per area, phase and year (newest version). -#}
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
    where record_type in ('national', 'local_authority')
        and {{ academic_year_filter() }}

),

latest as (

    {{ keep_rows('source', is_latest_release(['record_type', 'la', 'education_phase', 'academic_year'])) }}

),

final as (

    select
        case record_type when 'national' then 'national' else 'la' end as geography_level,
        la as la_code,
        education_phase as phase_code,
        academic_year,
        perctot as overall_absence_pct,
        perctot_reason as overall_absence_pct_reason,
        ppersabs as persistent_absence_pct,
        ppersabs_reason as persistent_absence_pct_reason,
        persistent_absence_threshold_pct,
        severe_absence_pct,
        severe_absence_pct_reason,
        cast(enrolments as integer) as enrolments,
        cast(persistent_absentees as integer) as persistent_absentees,
        cast(sessions_possible as bigint) as sessions_possible,
        cast(sessions_missed as bigint) as sessions_missed,
        data_version,
        source_file,
        source_row_number
    from latest

)

select * from final
