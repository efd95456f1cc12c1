{#- England (all state-funded schools and colleges) and LA rows of DfE's 16 to 18 national file: one row per area,
    academic year, disadvantage status and exam cohort, the newest file's. DfE computes them from every
    student's entries, so they are read, not recomputed from the school rows (which carry no entry counts). -#}
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

    select * from {{ source('raw', 'raw_ks5_national') }}
    where record_type in ('local_authority', 'national')
        and {{ academic_year_filter() }}

),

latest as (

    {{ keep_rows('source', is_latest_release(['record_type', 'la', 'academic_year', 'disadvantage_status', 'exam_cohort'])) }}

),

final as (

    select
        record_type as geography_level,
        la as la_code,
        academic_year,
        disadvantage_status,
        exam_cohort,
        cast(aps_per_entry_student_count as integer) as students,
        aps_per_entry as points_per_entry,
        aps_per_entry_reason as points_per_entry_reason,
        aps_per_entry_grade as points_per_entry_grade,
        retained_percent,
        data_version,
        source_file,
        source_row_number,
        loaded_at
    from latest

)

select * from final
