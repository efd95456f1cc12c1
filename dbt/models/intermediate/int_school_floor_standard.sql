{#- Each state-funded school's position in every academic year the warehouse holds against the floor standard, and
    the coasting definition where one existed, in force for that year (seed floor_standards: each year's published
    thresholds and measures, then the local current equivalents), or why it is excluded (seed intervention_exclusions,
    first that applies). Grain: one row per (urn, academic_year, key_stage, standard_type). -#}
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
        ks2.reading_progress_upper_score,
        ks2.writing_progress_upper_score,
        ks2.maths_progress_upper_score,
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

-- Each year's standards: the floor (or its local equivalent) and the coasting definition where one existed.
evaluated as (

    select
        results.*,
        schools.la_code,
        schools.is_special,
        schools.is_alternative_provision,
        schools.close_date,
        schools.is_open,
        schools.governance,
        coalesce(progress_years.progress_published, false) as progress_published,
        coalesce(standards.standard_type, 'floor') as standard_type,
        standards.standard_code,
        standards.standard_name,
        standards.is_current_equivalent,
        standards.attainment_measure,
        standards.attainment_below,
        standards.progress_rule,
        standards.reading_progress_below,
        standards.writing_progress_below,
        standards.maths_progress_below,
        standards.progress8_below,
        coalesce(standards.single_subject_must_be_significant, false) as single_subject_must_be_significant,
        standards.coasting_years,
        -- Subjects below their progress threshold (KS2), for the 'any subject' rule and its 2018 refinement.
        (results.reading_progress_score < standards.reading_progress_below)::integer
        + (results.writing_progress_score < standards.writing_progress_below)::integer
        + (results.maths_progress_score < standards.maths_progress_below)::integer as subjects_below,
        -- The one subject below, when only one is, must be significantly low (upper confidence limit below zero).
        case
            when results.reading_progress_score < standards.reading_progress_below then results.reading_progress_upper_score
            when results.writing_progress_score < standards.writing_progress_below then results.writing_progress_upper_score
            when results.maths_progress_score < standards.maths_progress_below then results.maths_progress_upper_score
        end as first_subject_below_upper_score
    from results
    inner join schools
        on schools.urn = results.urn
    left join progress_years
        on progress_years.academic_year = results.academic_year
        and progress_years.key_stage = results.key_stage
    left join standards
        on standards.key_stage = results.key_stage
        and results.academic_year >= standards.first_academic_year
        and (standards.last_academic_year is null or results.academic_year <= standards.last_academic_year)
    where schools.governance in ('maintained', 'academy')

),

-- The measures the standard needs, given what DfE published for the year; level-based measures (to 2015) are not
-- held in this warehouse, so a standard built on them is missing data.
with_missing as (

    select
        *,
        case progress_rule
            when 'any_subject_progress_below' then
                rwm_expected_pct is null or reading_progress_score is null
                or writing_progress_score is null or maths_progress_score is null
                or (single_subject_must_be_significant and subjects_below = 1 and first_subject_below_upper_score is null)
            when 'progress8_below_with_upper_ci_below_zero' then
                progress8_score is null or progress8_upper_score is null
            else true
        end as is_missing_data
    from evaluated

),

-- Every exclusion that applies.
applicable_exclusions as (

    select
        with_missing.urn,
        with_missing.academic_year,
        with_missing.key_stage,
        with_missing.standard_type,
        exclusions.exclusion_code,
        exclusions.exclusion_reason,
        exclusions.exclusion_order
    from with_missing
    inner join exclusions
        on (exclusions.exclusion_code = 'SPECIAL_SCHOOL' and with_missing.is_special)
        or (exclusions.exclusion_code = 'PUPIL_REFERRAL_UNIT' and with_missing.is_alternative_provision)
        or (exclusions.exclusion_code = 'CLOSED_SCHOOL'
            and (not with_missing.is_open or with_missing.close_date < make_date(cast(left(with_missing.academic_year, 4) as integer) + 1, 6, 1)))
        or (exclusions.exclusion_code = 'COHORT_UNDER_11'
            and with_missing.has_results and coalesce(with_missing.cohort_pupils, 0) < exclusions.min_cohort_pupils)
        or (exclusions.exclusion_code = 'MISSING_DATA' and (not with_missing.has_results or with_missing.is_missing_data))

),

-- The first exclusion (by exclusion_order) that applies.
excluded as (

    {{ keep_rows('applicable_exclusions', "row_number() over (
        partition by urn, academic_year, key_stage, standard_type
        order by exclusion_order
    ) = 1") }}

),

judged as (

    select
        with_missing.*,
        excluded.exclusion_code,
        excluded.exclusion_reason,
        case with_missing.progress_rule
            when 'any_subject_progress_below' then
                with_missing.rwm_expected_pct < with_missing.attainment_below
                and (
                    with_missing.subjects_below >= 2
                    or (
                        with_missing.subjects_below = 1
                        and (not with_missing.single_subject_must_be_significant or with_missing.first_subject_below_upper_score < 0)
                    )
                )
            when 'progress8_below_with_upper_ci_below_zero' then
                with_missing.progress8_score < with_missing.progress8_below and with_missing.progress8_upper_score < 0
        end as is_below
    from with_missing
    left join excluded
        on excluded.urn = with_missing.urn
        and excluded.academic_year = with_missing.academic_year
        and excluded.key_stage = with_missing.key_stage
        and excluded.standard_type = with_missing.standard_type

),

final as (

    select
        cast(urn as integer) as urn,
        academic_year,
        key_stage,
        standard_type,
        cast(la_code as integer) as la_code,
        standard_code,
        coalesce(is_current_equivalent, false) as is_current_equivalent,
        case
            when standard_code is null then 'no standard this year'
            when exclusion_code is not null then 'excluded'
            when is_below then case standard_type when 'coasting' then 'below coasting threshold' else 'below floor' end
            else case standard_type when 'coasting' then 'at or above coasting threshold' else 'at or above floor' end
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
        cast(coasting_years as integer) as coasting_years,
        case
            when standard_code is null then 'No floor standard applies to ' || key_stage || ' in ' || academic_year
            when exclusion_code is not null then
                'Excluded from the ' || standard_name || ' in ' || academic_year || ': ' || exclusion_reason
                || case exclusion_code
                    when 'COHORT_UNDER_11' then ' (' || coalesce(cast(cohort_pupils as integer), 0) || ' pupils)'
                    when 'MISSING_DATA' then case
                        when progress_rule = 'below_national_median_all_subjects'
                            or attainment_measure not in ('rwm_expected_pct')
                            then ' (the level-based measures this standard uses are not held in this warehouse)'
                        when not has_results then ' (no results this year)'
                        when not progress_published
                            then ' (no ' || key_stage || ' progress measure published this year)'
                        else ' (a measure the standard needs is suppressed or not available)' end
                    else ''
                end
            when key_stage = 'KS2' then
                standard_name || ' ' || academic_year || ': reading, writing and maths expected standard '
                || {{ format_string('%.0f', ['cast(rwm_expected_pct as double precision)']) }}
                || '% (threshold ' || {{ format_string('%.0f', ['cast(attainment_below as double precision)']) }} || '%)'
                || {{ format_string(
                    '; progress reading %.1f, writing %.1f, maths %.1f',
                    ['reading_progress_score', 'writing_progress_score', 'maths_progress_score']
                ) }}
                || case when is_below then ' - below' else ' - not below' end
            else
                standard_name || ' ' || academic_year || ': Progress 8 ' || {{ format_string('%.2f', ['progress8_score']) }}
                || ' (upper limit ' || {{ format_string('%.2f', ['progress8_upper_score']) }} || ')'
                || case when is_below then ' - below' else ' - not below' end
        end as floor_explanation
    from judged

)

select * from final
