{#- School rows of DfE's 16 to 18 institution file (EES "A level and other 16 to 18 results"): one row per school,
    academic year, disadvantage status and exam cohort, the newest file's. The English and maths progress of
    students without a GCSE grade 4 is its own exam cohort ('E/M measures'). -#}
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

    select * from {{ source('raw', 'raw_ks5') }}
    where record_type = 'school'
        and {{ academic_year_filter() }}

),

latest as (

    {{ keep_rows('source', is_latest_release(['urn', 'academic_year', 'disadvantage_status', 'exam_cohort'])) }}

),

final as (

    select
        urn,
        la as la_code,
        academic_year,
        disadvantage_status,
        exam_cohort,
        cast(aps_per_entry_student_count as integer) as students,
        aps_per_entry_student_count_reason as students_reason,
        aps_per_entry as points_per_entry,
        aps_per_entry_reason as points_per_entry_reason,
        aps_per_entry_grade as points_per_entry_grade,
        value_added,
        value_added_reason,
        value_added_lower_ci,
        value_added_upper_ci,
        progress_banding,
        retained_percent,
        retained_percent_reason,
        aab_percent,
        aab_percent_reason,
        best_three_alevels_aps,
        best_three_alevels_grade,
        english_progress,
        english_progress_reason,
        maths_progress,
        maths_progress_reason,
        data_version,
        source_file,
        source_row_number,
        loaded_at
    from latest

)

select * from final
