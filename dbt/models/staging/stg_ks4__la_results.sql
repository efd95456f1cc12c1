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
        totpups as total_pupils,
        totpups_reason as total_pupils_reason,
        tpup as cohort_pupils,
        tpup_reason as cohort_pupils_reason,
        tfsm6cla1a as disadvantaged_pupils,
        tfsm6cla1a_reason as disadvantaged_pupils_reason,
        ptfsm6cla1a as disadvantaged_pupils_pct,
        ptfsm6cla1a_reason as disadvantaged_pupils_pct_reason,
        tnotfsm6cla1a as other_pupils,
        tnotfsm6cla1a_reason as other_pupils_reason,
        ptnotfsm6cla1a as other_pupils_pct,
        ptnotfsm6cla1a_reason as other_pupils_pct_reason,
        att8scr as attainment8_score,
        att8scr_reason as attainment8_score_reason,
        att8scr_fsm6cla1a as attainment8_disadvantaged_score,
        att8scr_fsm6cla1a_reason as attainment8_disadvantaged_score_reason,
        att8scr_nfsm6cla1a as attainment8_other_score,
        att8scr_nfsm6cla1a_reason as attainment8_other_score_reason,
        p8pup as progress8_pupils,
        p8pup_reason as progress8_pupils_reason,
        p8meacov as progress8_coverage_pct,
        p8meacov_reason as progress8_coverage_pct_reason,
        p8mea as progress8_score,
        p8mea_reason as progress8_score_reason,
        p8cilow as progress8_lower_score,
        p8cilow_reason as progress8_lower_score_reason,
        p8ciupp as progress8_upper_score,
        p8ciupp_reason as progress8_upper_score_reason,
        p8mea_fsm6cla1a as progress8_disadvantaged_score,
        p8mea_fsm6cla1a_reason as progress8_disadvantaged_score_reason,
        p8mea_nfsm6cla1a as progress8_other_score,
        p8mea_nfsm6cla1a_reason as progress8_other_score_reason,
        diffn_p8mea as progress8_published_gap_score,
        diffn_p8mea_reason as progress8_published_gap_score_reason,
        ptl2basics_95 as english_maths_grade5_pct,
        ptl2basics_95_reason as english_maths_grade5_pct_reason,
        ptl2basics_94 as english_maths_grade4_pct,
        ptl2basics_94_reason as english_maths_grade4_pct_reason,
        ebaccaps as ebacc_aps_score,
        ebaccaps_reason as ebacc_aps_score_reason,
        ptebacc_e_ptq_ee as ebacc_entry_pct,
        ptebacc_e_ptq_ee_reason as ebacc_entry_pct_reason,
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
