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

    select * from {{ source('raw', 'raw_ks2') }}
    where {{ academic_year_filter() }}

),

renamed as (

    select
        urn,
        academic_year,
        lea as la_code,
        estab as establishment_number,
        schname as school_name,
        rectype,
        record_type,
        record_type = 'special_school' as is_special_school,
        nftype as school_type_code,
        -- ICLOSE 1 = closed; URN_AC = the academy the school became (KS2 files only).
        iclose = 1 as is_closed,
        nullif(urn_ac, 0) as academy_urn,  -- DfE writes 0 for "no academy URN"
        file_layout,
        -- LA and national rows cover state-funded schools only; KS4 files also carry independent and NMSS rows.
        coalesce(nftype not in ('IND', 'INDSPEC', 'NMSS'), true) as is_state_funded,
        {{ ks2_measure_columns() }}
        data_version,
        source_file,
        source_row_number,
        loaded_at
    from source
    where record_type in ('mainstream_school', 'special_school')

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
