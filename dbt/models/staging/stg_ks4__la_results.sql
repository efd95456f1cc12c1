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

    select * from {{ source('raw', 'raw_ks4') }}
    where {{ academic_year_filter() }}

),

renamed as (

    select
        lea as la_code,
        academic_year,
        schname as la_name,
        rectype,
        record_type,
        {{ ks4_measure_columns() }}
        data_version,
        source_file,
        source_row_number,
        loaded_at
    from source
    where record_type in ('local_authority')

),

-- Provisional, revised and final files of one year may all be loaded: the latest version wins.
latest_version as (

    {{ keep_rows('renamed', data_version_rank('data_version') ~ ' = max(' ~ data_version_rank('data_version')
        ~ ') over (partition by academic_year)') }}

),

final as (

    select * from latest_version

)

select * from final
