{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='academic_year',
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
        lea as la_code,
        academic_year,
        schname as la_name,
        rectype,
        record_type,
        totpups as total_pupils,
        totpups_reason as total_pupils_reason,
        telig as cohort_pupils,
        telig_reason as cohort_pupils_reason,
        tfsm6cla1a as disadvantaged_pupils,
        tfsm6cla1a_reason as disadvantaged_pupils_reason,
        ptfsm6cla1a as disadvantaged_pupils_pct,
        ptfsm6cla1a_reason as disadvantaged_pupils_pct_reason,
        tnotfsm6cla1a as other_pupils,
        tnotfsm6cla1a_reason as other_pupils_reason,
        ptnotfsm6cla1a as other_pupils_pct,
        ptnotfsm6cla1a_reason as other_pupils_pct_reason,
        ptrwm_exp as rwm_expected_pct,
        ptrwm_exp_reason as rwm_expected_pct_reason,
        ptrwm_high as rwm_higher_pct,
        ptrwm_high_reason as rwm_higher_pct_reason,
        ptrwm_exp_fsm6cla1a as rwm_expected_disadvantaged_pct,
        ptrwm_exp_fsm6cla1a_reason as rwm_expected_disadvantaged_pct_reason,
        ptrwm_exp_notfsm6cla1a as rwm_expected_other_pct,
        ptrwm_exp_notfsm6cla1a_reason as rwm_expected_other_pct_reason,
        ptrwm_high_fsm6cla1a as rwm_higher_disadvantaged_pct,
        ptrwm_high_fsm6cla1a_reason as rwm_higher_disadvantaged_pct_reason,
        ptrwm_high_notfsm6cla1a as rwm_higher_other_pct,
        ptrwm_high_notfsm6cla1a_reason as rwm_higher_other_pct_reason,
        diffn_rwm_exp as rwm_expected_published_gap_pct,
        diffn_rwm_exp_reason as rwm_expected_published_gap_pct_reason,
        read_average as reading_scaled_score,
        read_average_reason as reading_scaled_score_reason,
        gps_average as gps_scaled_score,
        gps_average_reason as gps_scaled_score_reason,
        mat_average as maths_scaled_score,
        mat_average_reason as maths_scaled_score_reason,
        readprog as reading_progress_score,
        readprog_reason as reading_progress_score_reason,
        readprog_lower as reading_progress_lower_score,
        readprog_lower_reason as reading_progress_lower_score_reason,
        readprog_upper as reading_progress_upper_score,
        readprog_upper_reason as reading_progress_upper_score_reason,
        readcov as reading_progress_coverage_pct,
        readcov_reason as reading_progress_coverage_pct_reason,
        writprog as writing_progress_score,
        writprog_reason as writing_progress_score_reason,
        writprog_lower as writing_progress_lower_score,
        writprog_lower_reason as writing_progress_lower_score_reason,
        writprog_upper as writing_progress_upper_score,
        writprog_upper_reason as writing_progress_upper_score_reason,
        writcov as writing_progress_coverage_pct,
        writcov_reason as writing_progress_coverage_pct_reason,
        matprog as maths_progress_score,
        matprog_reason as maths_progress_score_reason,
        matprog_lower as maths_progress_lower_score,
        matprog_lower_reason as maths_progress_lower_score_reason,
        matprog_upper as maths_progress_upper_score,
        matprog_upper_reason as maths_progress_upper_score_reason,
        matcov as maths_progress_coverage_pct,
        matcov_reason as maths_progress_coverage_pct_reason,
        data_version,
        {{ data_version_rank('data_version') }} as data_version_rank,
        source_file,
        source_row_number,
        loaded_at
    from source
    where record_type in ('local_authority')

),

-- Provisional, revised and final files of one year may all be loaded: the latest version wins.
latest_version as (

    select * from renamed
    qualify data_version_rank = max(data_version_rank) over (partition by academic_year)

),

final as (

    select * exclude (data_version_rank) from latest_version

)

select * from final
