{#- One row per inspection across every loaded Ofsted MI file. The same inspection appears in several files
    (the all-inspections history, year-to-date files, the latest-inspections snapshot): the row from a
    per-inspection (all_inspections) file wins over the latest-inspections file, then the newest snapshot. -#}
with

source as (

    select * from {{ source('raw', 'raw_ofsted_inspections') }}

),

renamed as (

    select
        urn,
        laestab,
        school_name,
        ofsted_phase,
        type_of_education,
        coalesce(
            inspection_number,
            'U' || cast(urn as varchar) || '-' || {{ format_date('inspection_start_date', '%Y%m%d') }}
        ) as inspection_number,
        inspection_type,
        inspection_start_date,
        inspection_end_date,
        publication_date,
        inspection_regime,
        overall_effectiveness as overall_effectiveness_grade,
        overall_effectiveness_status,
        nullif(trim(category_of_concern), '') as category_of_concern,
        quality_of_education as quality_of_education_grade,
        behaviour_and_attitudes as behaviour_and_attitudes_grade,
        personal_development as personal_development_grade,
        leadership_and_management as leadership_and_management_grade,
        early_years_provision as early_years_provision_grade,
        sixth_form_provision as sixth_form_provision_grade,
        case safeguarding_effective
            when 'Yes' then true
            when 'No' then false
        end as is_safeguarding_effective,
        ungraded_outcome,
        safeguarding_standards,
        inclusion as inclusion_grade,
        curriculum_and_teaching as curriculum_and_teaching_grade,
        achievement as achievement_grade,
        attendance_and_behaviour as attendance_and_behaviour_grade,
        personal_development_and_wellbeing as personal_development_and_wellbeing_grade,
        early_years as early_years_grade,
        post_16_provision as post_16_provision_grade,
        leadership_and_governance as leadership_and_governance_grade,
        inspection_block,
        current_urn,
        source_layout,
        data_version,
        -- Ofsted data_version is '[latest ]as_at YYYY-MM-DD' (the management-information snapshot date).
        {{ try_cast_date(regexp_first_match('data_version', '([0-9]{4}-[0-9]{2}-[0-9]{2})')) }} as ofsted_as_at_date,
        source_file,
        source_row_number,
        loaded_at
    from source

),

-- The same inspection in several files: the all-inspections file's row, then the newest file's.
final as (

    {{ keep_rows('renamed', "row_number() over (
            partition by urn, inspection_number
            order by
                case when source_layout = 'all_inspections' then 0 else 1 end,
                ofsted_as_at_date desc,
                source_file,
                source_row_number
        ) = 1") }}

)

select * from final
