{#- Each state-funded school's position against the floor standard (seed floor_standards) in force for the
    academic year, or why it is excluded (seed intervention_exclusions, first that applies). Grain: one row per
    (urn, academic_year, key_stage). -#}
with

schools as (

    select * from {{ ref('dim_school') }}

),

spine as (

    select * from {{ ref('int_school_year_spine') }}

),

standards as (

    select * from {{ ref('floor_standards') }}

),

exclusions as (

    select * from {{ ref('intervention_exclusions') }}
    where applies_to = 'floor_standard'

),

ks2 as (

    select * from {{ ref('stg_ks2__school_results') }}

),

ks4 as (

    select * from {{ ref('stg_ks4__school_results') }}

),

-- Whether DfE published each key stage's progress measure at all that year (no KS2 progress from 2023-24).
progress_years as (

    select academic_year, 'KS2' as key_stage, count(reading_progress_score) > 0 as progress_published
    from ks2
    group by academic_year
    union all
    select academic_year, 'KS4', count(progress8_score) > 0
    from ks4
    group by academic_year

),

-- Schools expected to have results (open at assessment, right age range) and every school that has them.
school_years as (

    select urn, academic_year, 'KS2' as key_stage from spine where expects_ks2_results
    union
    select urn, academic_year, 'KS4' from spine where expects_ks4_results
    union
    select urn, academic_year, 'KS2' from ks2
    union
    select urn, academic_year, 'KS4' from ks4

),

results as (

    select
        school_years.urn,
        school_years.academic_year,
        school_years.key_stage,
        coalesce(ks2.cohort_pupils, ks4.cohort_pupils) as cohort_pupils,
        ks2.rwm_expected_pct,
        ks2.reading_progress_score,
        ks2.writing_progress_score,
        ks2.maths_progress_score,
        ks4.progress8_score,
        ks4.progress8_upper_score,
        coalesce(ks2.urn, ks4.urn) is not null as has_results
    from school_years
    left join ks2
        on school_years.key_stage = 'KS2'
        and ks2.urn = school_years.urn
        and ks2.academic_year = school_years.academic_year
    left join ks4
        on school_years.key_stage = 'KS4'
        and ks4.urn = school_years.urn
        and ks4.academic_year = school_years.academic_year

),

evaluated as (

    select
        results.*,
        schools.la_code,
        schools.is_special,
        schools.is_alternative_provision,
        schools.close_date,
        schools.is_open,
        schools.governance,
        standards.standard_code,
        standards.standard_name,
        standards.is_current_equivalent,
        standards.attainment_below,
        standards.progress_rule,
        standards.reading_progress_below,
        standards.writing_progress_below,
        standards.maths_progress_below,
        standards.progress8_below,
        coalesce(progress_years.progress_published, false) as progress_published,
        -- The measures the standard needs, given what DfE published for the year.
        case standards.progress_rule
            when 'any_subject_progress_below' then
                results.rwm_expected_pct is null or results.reading_progress_score is null
                or results.writing_progress_score is null or results.maths_progress_score is null
            when 'progress8_below_with_upper_ci_below_zero' then
                results.progress8_score is null or results.progress8_upper_score is null
            else true
        end as is_missing_data
    from results
    inner join schools
        on schools.urn = results.urn
    left join standards
        on standards.key_stage = results.key_stage
        and results.academic_year >= standards.first_academic_year
        and (standards.last_academic_year is null or results.academic_year <= standards.last_academic_year)
    left join progress_years
        on progress_years.academic_year = results.academic_year
        and progress_years.key_stage = results.key_stage
    where schools.governance in ('maintained', 'academy')

),

-- The first exclusion (by exclusion_order) that applies.
excluded as (

    select
        evaluated.urn,
        evaluated.academic_year,
        evaluated.key_stage,
        exclusions.exclusion_code,
        exclusions.exclusion_reason
    from evaluated
    inner join exclusions
        on (exclusions.exclusion_code = 'SPECIAL_SCHOOL' and evaluated.is_special)
        or (exclusions.exclusion_code = 'PUPIL_REFERRAL_UNIT' and evaluated.is_alternative_provision)
        or (exclusions.exclusion_code = 'CLOSED_SCHOOL'
            and (not evaluated.is_open or evaluated.close_date < make_date(cast(left(evaluated.academic_year, 4) as integer) + 1, 6, 1)))
        or (exclusions.exclusion_code = 'COHORT_UNDER_11'
            and evaluated.has_results and coalesce(evaluated.cohort_pupils, 0) < exclusions.min_cohort_pupils)
        or (exclusions.exclusion_code = 'MISSING_DATA' and (not evaluated.has_results or evaluated.is_missing_data))
    qualify row_number() over (
        partition by evaluated.urn, evaluated.academic_year, evaluated.key_stage order by exclusions.exclusion_order
    ) = 1

),

judged as (

    select
        evaluated.*,
        excluded.exclusion_code,
        excluded.exclusion_reason,
        case evaluated.progress_rule
            when 'any_subject_progress_below' then
                evaluated.rwm_expected_pct < evaluated.attainment_below
                and (
                    evaluated.reading_progress_score < evaluated.reading_progress_below
                    or evaluated.writing_progress_score < evaluated.writing_progress_below
                    or evaluated.maths_progress_score < evaluated.maths_progress_below
                )
            when 'progress8_below_with_upper_ci_below_zero' then
                evaluated.progress8_score < evaluated.progress8_below and evaluated.progress8_upper_score < 0
        end as is_below
    from evaluated
    left join excluded
        on excluded.urn = evaluated.urn
        and excluded.academic_year = evaluated.academic_year
        and excluded.key_stage = evaluated.key_stage

),

final as (

    select
        cast(urn as integer) as urn,
        academic_year,
        key_stage,
        cast(la_code as integer) as la_code,
        standard_code,
        coalesce(is_current_equivalent, false) as is_current_equivalent,
        case
            when standard_code is null then 'no standard this year'
            when exclusion_code is not null then 'excluded'
            when is_below then 'below floor'
            else 'at or above floor'
        end as floor_status,
        exclusion_code,
        exclusion_reason,
        cast(cohort_pupils as integer) as cohort_pupils,
        rwm_expected_pct,
        reading_progress_score,
        writing_progress_score,
        maths_progress_score,
        progress8_score,
        progress8_upper_score,
        progress_published,
        case
            when standard_code is null then 'No floor standard applies to ' || key_stage || ' in ' || academic_year
            when exclusion_code is not null then
                'Excluded from the ' || standard_name || ' in ' || academic_year || ': ' || exclusion_reason
                || case exclusion_code
                    when 'COHORT_UNDER_11' then ' (' || coalesce(cast(cohort_pupils as integer), 0) || ' pupils)'
                    when 'MISSING_DATA' then case
                        when not has_results then ' (no results this year)'
                        when not progress_published then ' (no ' || key_stage || ' progress measure published this year)'
                        else ' (a measure the standard needs is suppressed or not available)' end
                    else ''
                end
            when key_stage = 'KS2' then
                standard_name || ' ' || academic_year || ': RWM expected standard ' || printf('%.0f', cast(rwm_expected_pct as double))
                || '% (floor ' || printf('%.0f', cast(attainment_below as double)) || '%)'
                || printf('; progress reading %.1f, writing %.1f, maths %.1f', reading_progress_score, writing_progress_score, maths_progress_score)
                || case when is_below then ' - below floor' else ' - not below floor' end
            else
                standard_name || ' ' || academic_year || ': Progress 8 ' || printf('%.2f', progress8_score)
                || ' (upper limit ' || printf('%.2f', progress8_upper_score) || ')'
                || case when is_below then ' - below floor' else ' - not below floor' end
        end as floor_explanation
    from judged

)

select * from final
