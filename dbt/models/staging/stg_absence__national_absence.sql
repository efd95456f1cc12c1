{#- National rows of england_abs.csv (LA 'NAT'), one per phase (PRI, SEC, SPE) and year. -#}
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
    where record_type = 'national'
        and {{ academic_year_filter() }}

),

final as (

    select
        estab as phase_code,
        academic_year,
        perctot as overall_absence_pct,
        perctot_reason as overall_absence_pct_reason,
        ppersabs as persistent_absence_pct,
        ppersabs_reason as persistent_absence_pct_reason,
        persistent_absence_threshold_pct,
        data_version,
        source_file,
        source_row_number
    from source

)

select * from final
