with

flag_rules as (

    select * from {{ ref('data_risk_flags') }}

),

chain as (

    select * from {{ ref('int_school_predecessor_chain') }}

),

ks2_results as (

    select * from {{ ref('stg_ks2__school_results') }}
    where is_state_funded

),

ks4_results as (

    select * from {{ ref('stg_ks4__school_results') }}
    where is_state_funded

),

ks2_national as (

    select * from {{ ref('int_ks2_national_comparators') }}

),

ks4_national as (

    select * from {{ ref('int_ks4_national_comparators') }}

),

-- Attendance is judged on the school's own rows (a predecessor's pupils are not the school's to attend).
attendance as (

    select * from {{ ref('int_school_attendance') }}

),

-- Each flag is judged on the latest year in which its measure is published at all (e.g. KS2 progress was not
-- published for 2023-24, so the KS2 progress flag looks at 2022-23).
evaluation_years as (

    select 'KS2_PROGRESS_SIG_BELOW' as flag_code, max(academic_year) as academic_year
    from ks2_results
    where coalesce(reading_progress_upper_score, writing_progress_upper_score, maths_progress_upper_score) is not null
    union all
    select 'KS2_RWM_EXP_BELOW_NATIONAL', max(academic_year)
    from ks2_results
    where rwm_expected_pct is not null
    union all
    select 'KS2_RWM_EXP_DECLINING', max(academic_year)
    from ks2_results
    where rwm_expected_pct is not null
    union all
    select 'KS2_DISADVANTAGED_GAP_WIDENING', max(academic_year)
    from ks2_results
    where rwm_expected_disadvantaged_pct is not null
    union all
    select 'KS2_RWM_EXP_BOTTOM_LA_DECILE', max(academic_year)
    from ks2_results
    where rwm_expected_pct is not null
    union all
    select 'KS4_ATT8_BOTTOM_LA_DECILE', max(academic_year)
    from ks4_results
    where attainment8_score is not null
    union all
    select 'KS4_P8_SIG_BELOW', max(academic_year)
    from ks4_results
    where progress8_upper_score is not null
    union all
    select 'KS4_ATT8_BELOW_NATIONAL', max(academic_year)
    from ks4_results
    where attainment8_score is not null
    union all
    select 'ABSENCE_PERSISTENT_ABOVE_NATIONAL', max(academic_year)
    from attendance
    where persistent_absence_pct is not null
    union all
    select 'ABSENCE_PERSISTENT_RISING', max(academic_year)
    from attendance
    where persistent_absence_pct is not null

),

-- Percentile rank (0 lowest, 100 highest) among the LA's state-funded mainstream schools with a value.
ks2_la_percentiles as (

    select
        urn,
        academic_year,
        {{ round_to('100 * percent_rank() over (partition by la_code, academic_year order by rwm_expected_pct)', 0) }}
            as la_percentile_rank,
        count(*) over (partition by la_code, academic_year) as la_schools_ranked
    from ks2_results
    where rwm_expected_pct is not null
        and not is_special_school

),

ks4_la_percentiles as (

    select
        urn,
        academic_year,
        {{ round_to('100 * percent_rank() over (partition by la_code, academic_year order by attainment8_score)', 0) }}
            as la_percentile_rank,
        count(*) over (partition by la_code, academic_year) as la_schools_ranked
    from ks4_results
    where attainment8_score is not null
        and not is_special_school

),

-- A school's own results, or those of its nearest predecessor when it has none that year.
ks2_chain_candidates as (

    select
        chain.urn,
        chain.generations_back,
        ks2_results.urn as results_urn,
        {{ star_except(ref('stg_ks2__school_results'), ['urn'], 'ks2_results') }}
    from chain
    inner join ks2_results
        on ks2_results.urn = chain.predecessor_urn

),

ks2_chain_results as (

    -- merged predecessors tie: same pick every run (results_urn is the predecessor's URN)
    {{ keep_rows('ks2_chain_candidates', "row_number() over (
        partition by urn, academic_year order by generations_back, results_urn
    ) = 1") }}

),

ks4_chain_candidates as (

    select
        chain.urn,
        chain.generations_back,
        ks4_results.urn as results_urn,
        {{ star_except(ref('stg_ks4__school_results'), ['urn'], 'ks4_results') }}
    from chain
    inner join ks4_results
        on ks4_results.urn = chain.predecessor_urn

),

ks4_chain_results as (

    -- merged predecessors tie: same pick every run (results_urn is the predecessor's URN)
    {{ keep_rows('ks4_chain_candidates', "row_number() over (
        partition by urn, academic_year order by generations_back, results_urn
    ) = 1") }}

),

ks2_progress as (

    select
        results.urn,
        'KS2_PROGRESS_SIG_BELOW' as flag_code,
        results.academic_year,
        results.results_urn,
        results.cohort_pupils,
        -- Raised on any subject whose upper limit is below the threshold; 'not raised' needs all three subjects.
        least(
            results.reading_progress_upper_score,
            results.writing_progress_upper_score,
            results.maths_progress_upper_score
        ) as measure_value,
        cast(null as double precision) as comparator_value,
        nullif(concat_ws(
            ', ',
            case when results.reading_progress_upper_score is null then 'reading' end,
            case when results.writing_progress_upper_score is null then 'writing' end,
            case when results.maths_progress_upper_score is null then 'maths' end
        ), '') as missing_parts,
        concat_ws(
            ', ',
            case when results.reading_progress_upper_score < flag_rules.threshold_value
                then {{ format_string('reading %.2f (upper limit %.2f)', ['results.reading_progress_score', 'results.reading_progress_upper_score']) }} end,
            case when results.writing_progress_upper_score < flag_rules.threshold_value
                then {{ format_string('writing %.2f (upper limit %.2f)', ['results.writing_progress_score', 'results.writing_progress_upper_score']) }} end,
            case when results.maths_progress_upper_score < flag_rules.threshold_value
                then {{ format_string('maths %.2f (upper limit %.2f)', ['results.maths_progress_score', 'results.maths_progress_upper_score']) }} end
        ) as breach_detail
    from ks2_chain_results as results
    inner join evaluation_years
        on evaluation_years.flag_code = 'KS2_PROGRESS_SIG_BELOW'
        and evaluation_years.academic_year = results.academic_year
    inner join flag_rules
        on flag_rules.flag_code = 'KS2_PROGRESS_SIG_BELOW'

),

ks2_attainment as (

    select
        results.urn,
        'KS2_RWM_EXP_BELOW_NATIONAL' as flag_code,
        results.academic_year,
        results.results_urn,
        results.cohort_pupils,
        results.rwm_expected_pct - ks2_national.rwm_expected_pct as measure_value,
        ks2_national.rwm_expected_pct as comparator_value,
        cast(null as varchar) as missing_parts,
        {{ format_string(
            'RWM expected standard %.0f%% vs national %.0f%% (%+.0f points)',
            [
                'results.rwm_expected_pct',
                'ks2_national.rwm_expected_pct',
                'results.rwm_expected_pct - ks2_national.rwm_expected_pct'
            ]
        ) }} as breach_detail
    from ks2_chain_results as results
    inner join evaluation_years
        on evaluation_years.flag_code = 'KS2_RWM_EXP_BELOW_NATIONAL'
        and evaluation_years.academic_year = results.academic_year
    left join ks2_national
        on ks2_national.academic_year = results.academic_year

),

-- Trends (KS2 results, persistent absence) look at the evaluation year and the two years before it (three consecutive years of results).
trend_years as (

    select
        evaluation_years.flag_code,
        evaluation_years.academic_year,
        {{ previous_academic_year('evaluation_years.academic_year') }} as middle_year,
        {{ previous_academic_year(previous_academic_year('evaluation_years.academic_year')) }} as first_year
    from evaluation_years
    where evaluation_years.flag_code in ('KS2_RWM_EXP_DECLINING', 'KS2_DISADVANTAGED_GAP_WIDENING', 'ABSENCE_PERSISTENT_RISING')

),

ks2_gaps as (

    select
        results.urn,
        results.academic_year,
        results.disadvantaged_pupils,
        results.rwm_expected_disadvantaged_pct - ks2_national.rwm_expected_other_pct as disadvantaged_gap
    from ks2_chain_results as results
    left join ks2_national
        on ks2_national.academic_year = results.academic_year

),

-- A trend compares three years: every one of them needs a result from a cohort the flag may judge. A missing or
-- small year is named and the flag is 'not evaluated' (DuckDB's greatest() would silently drop a NULL year).
ks2_declining as (

    select
        latest.urn,
        'KS2_RWM_EXP_DECLINING' as flag_code,
        latest.academic_year,
        latest.results_urn,
        latest.cohort_pupils,
        -- The smaller of the two year-on-year falls: both must reach the threshold for a declining trend.
        case when middle.rwm_expected_pct is not null and earliest.rwm_expected_pct is not null
            then greatest(latest.rwm_expected_pct - middle.rwm_expected_pct, middle.rwm_expected_pct - earliest.rwm_expected_pct)
        end as measure_value,
        earliest.rwm_expected_pct as comparator_value,
        nullif(concat_ws(
            ', ',
            case when latest.rwm_expected_pct is null then 'no result for ' || latest.academic_year end,
            case
                when middle.rwm_expected_pct is null then 'no result for ' || trend_years.middle_year
                when coalesce(middle.cohort_pupils, 0) < flag_rules.min_cohort_pupils
                    then 'cohort of ' || cast(coalesce(middle.cohort_pupils, 0) as integer) || ' pupils in ' || trend_years.middle_year
            end,
            case
                when earliest.rwm_expected_pct is null then 'no result for ' || trend_years.first_year
                when coalesce(earliest.cohort_pupils, 0) < flag_rules.min_cohort_pupils
                    then 'cohort of ' || cast(coalesce(earliest.cohort_pupils, 0) as integer) || ' pupils in ' || trend_years.first_year
            end
        ), '') as missing_parts,
        {{ format_string(
            'RWM expected standard %.0f%% in %s, %.0f%% in %s, %.0f%% in %s (%+.0f points)',
            [
                'earliest.rwm_expected_pct',
                'earliest.academic_year',
                'middle.rwm_expected_pct',
                'middle.academic_year',
                'latest.rwm_expected_pct',
                'latest.academic_year',
                'latest.rwm_expected_pct - earliest.rwm_expected_pct'
            ]
        ) }} as breach_detail
    from ks2_chain_results as latest
    inner join trend_years
        on trend_years.flag_code = 'KS2_RWM_EXP_DECLINING'
        and trend_years.academic_year = latest.academic_year
    inner join flag_rules
        on flag_rules.flag_code = 'KS2_RWM_EXP_DECLINING'
    left join ks2_chain_results as middle
        on middle.urn = latest.urn
        and middle.academic_year = trend_years.middle_year
    left join ks2_chain_results as earliest
        on earliest.urn = latest.urn
        and earliest.academic_year = trend_years.first_year

),

ks2_gap_widening as (

    select
        latest.urn,
        'KS2_DISADVANTAGED_GAP_WIDENING' as flag_code,
        latest.academic_year,
        results.results_urn,
        latest.disadvantaged_pupils as cohort_pupils,
        case when middle.disadvantaged_gap is not null and earliest.disadvantaged_gap is not null
            then greatest(latest.disadvantaged_gap - middle.disadvantaged_gap, middle.disadvantaged_gap - earliest.disadvantaged_gap)
        end as measure_value,
        earliest.disadvantaged_gap as comparator_value,
        nullif(concat_ws(
            ', ',
            case when latest.disadvantaged_gap is null then 'no disadvantaged result for ' || latest.academic_year end,
            case
                when middle.disadvantaged_gap is null then 'no disadvantaged result for ' || trend_years.middle_year
                when coalesce(middle.disadvantaged_pupils, 0) < flag_rules.min_cohort_pupils
                    then cast(coalesce(middle.disadvantaged_pupils, 0) as integer) || ' disadvantaged pupils in ' || trend_years.middle_year
            end,
            case
                when earliest.disadvantaged_gap is null then 'no disadvantaged result for ' || trend_years.first_year
                when coalesce(earliest.disadvantaged_pupils, 0) < flag_rules.min_cohort_pupils
                    then cast(coalesce(earliest.disadvantaged_pupils, 0) as integer) || ' disadvantaged pupils in ' || trend_years.first_year
            end
        ), '') as missing_parts,
        {{ format_string(
            'gap to national other pupils %+.0f points in %s, %+.0f in %s, %+.0f in %s (%+.0f points)',
            [
                'earliest.disadvantaged_gap',
                'earliest.academic_year',
                'middle.disadvantaged_gap',
                'middle.academic_year',
                'latest.disadvantaged_gap',
                'latest.academic_year',
                'latest.disadvantaged_gap - earliest.disadvantaged_gap'
            ]
        ) }} as breach_detail
    from ks2_gaps as latest
    inner join ks2_chain_results as results
        on results.urn = latest.urn
        and results.academic_year = latest.academic_year
    inner join trend_years
        on trend_years.flag_code = 'KS2_DISADVANTAGED_GAP_WIDENING'
        and trend_years.academic_year = latest.academic_year
    inner join flag_rules
        on flag_rules.flag_code = 'KS2_DISADVANTAGED_GAP_WIDENING'
    left join ks2_gaps as middle
        on middle.urn = latest.urn
        and middle.academic_year = trend_years.middle_year
    left join ks2_gaps as earliest
        on earliest.urn = latest.urn
        and earliest.academic_year = trend_years.first_year

),

ks4_progress as (

    select
        results.urn,
        'KS4_P8_SIG_BELOW' as flag_code,
        results.academic_year,
        results.results_urn,
        results.cohort_pupils,
        results.progress8_upper_score as measure_value,
        cast(null as double precision) as comparator_value,
        cast(null as varchar) as missing_parts,
        {{ format_string('Progress 8 %.2f (upper limit %.2f)', ['results.progress8_score', 'results.progress8_upper_score']) }} as breach_detail
    from ks4_chain_results as results
    inner join evaluation_years
        on evaluation_years.flag_code = 'KS4_P8_SIG_BELOW'
        and evaluation_years.academic_year = results.academic_year

),

ks4_attainment as (

    select
        results.urn,
        'KS4_ATT8_BELOW_NATIONAL' as flag_code,
        results.academic_year,
        results.results_urn,
        results.cohort_pupils,
        results.attainment8_score - ks4_national.attainment8_score as measure_value,
        ks4_national.attainment8_score as comparator_value,
        cast(null as varchar) as missing_parts,
        {{ format_string(
            'Attainment 8 %.1f vs national %.1f (%+.1f points)',
            [
                'results.attainment8_score',
                'ks4_national.attainment8_score',
                'results.attainment8_score - ks4_national.attainment8_score'
            ]
        ) }} as breach_detail
    from ks4_chain_results as results
    inner join evaluation_years
        on evaluation_years.flag_code = 'KS4_ATT8_BELOW_NATIONAL'
        and evaluation_years.academic_year = results.academic_year
    left join ks4_national
        on ks4_national.academic_year = results.academic_year

),

absence_above_national as (

    select
        attendance.urn,
        'ABSENCE_PERSISTENT_ABOVE_NATIONAL' as flag_code,
        attendance.academic_year,
        attendance.urn as results_urn,
        attendance.pupils as cohort_pupils,
        attendance.persistent_vs_national_pts as measure_value,
        attendance.national_persistent_absence_pct as comparator_value,
        case when attendance.national_persistent_absence_pct is null
            then 'no national figure for ' || coalesce(attendance.phase_name, 'the school''s phase') end as missing_parts,
        {{ format_string(
            'persistent absence %.1f%% vs %.1f%% nationally for %s schools (%+.1f points)',
            [
                'attendance.persistent_absence_pct',
                'attendance.national_persistent_absence_pct',
                'attendance.phase_name',
                'attendance.persistent_vs_national_pts'
            ]
        ) }} as breach_detail
    from attendance
    inner join evaluation_years
        on evaluation_years.flag_code = 'ABSENCE_PERSISTENT_ABOVE_NATIONAL'
        and evaluation_years.academic_year = attendance.academic_year

),

-- Three consecutive years on one threshold: int_school_attendance gives a change only between such years.
absence_rising as (

    select
        latest.urn,
        'ABSENCE_PERSISTENT_RISING' as flag_code,
        latest.academic_year,
        latest.urn as results_urn,
        latest.pupils as cohort_pupils,
        -- The smaller of the two year-on-year rises: both must reach the threshold for a rising trend.
        least(latest.persistent_change_pts, middle.persistent_change_pts) as measure_value,
        middle.previous_persistent_absence_pct as comparator_value,
        nullif(concat_ws(
            ', ',
            case when latest.persistent_absence_pct is null then 'no figure for ' || latest.academic_year end,
            case when middle.persistent_absence_pct is null then 'no figure for ' || absence_trend_years.middle_year end,
            case when middle.previous_persistent_absence_pct is null then 'no figure for ' || absence_trend_years.first_year end
        ), '') as missing_parts,
        {{ format_string(
            'persistent absence %.1f%% in %s, %.1f%% in %s, %.1f%% in %s (%+.1f points)',
            [
                'middle.previous_persistent_absence_pct',
                'absence_trend_years.first_year',
                'middle.persistent_absence_pct',
                'absence_trend_years.middle_year',
                'latest.persistent_absence_pct',
                'latest.academic_year',
                'latest.persistent_absence_pct - middle.previous_persistent_absence_pct'
            ]
        ) }} as breach_detail
    from attendance as latest
    inner join trend_years as absence_trend_years
        on absence_trend_years.flag_code = 'ABSENCE_PERSISTENT_RISING'
        and absence_trend_years.academic_year = latest.academic_year
    left join attendance as middle
        on middle.urn = latest.urn
        and middle.academic_year = absence_trend_years.middle_year

),

{%- for ks, flag_code, column, label in [
    ('ks2', 'KS2_RWM_EXP_BOTTOM_LA_DECILE', 'rwm_expected_pct', 'RWM expected standard %.0f%%'),
    ('ks4', 'KS4_ATT8_BOTTOM_LA_DECILE', 'attainment8_score', 'Attainment 8 %.1f'),
] %}
{{ ks }}_bottom_decile as (

    select
        results.urn,
        '{{ flag_code }}' as flag_code,
        results.academic_year,
        results.results_urn,
        results.cohort_pupils,
        cast({{ ks }}_la_percentiles.la_percentile_rank as double precision) as measure_value,
        cast({{ ks }}_la_percentiles.la_schools_ranked as double precision) as comparator_value,
        cast(null as varchar) as missing_parts,
        {{ format_string(
            label ~ ', percentile rank %.0f among %d LA schools',
            [
                'results.' ~ column,
                ks ~ '_la_percentiles.la_percentile_rank',
                ks ~ '_la_percentiles.la_schools_ranked'
            ]
        ) }} as breach_detail
    from {{ ks }}_chain_results as results
    inner join evaluation_years
        on evaluation_years.flag_code = '{{ flag_code }}'
        and evaluation_years.academic_year = results.academic_year
    left join {{ ks }}_la_percentiles
        on {{ ks }}_la_percentiles.urn = results.results_urn
        and {{ ks }}_la_percentiles.academic_year = results.academic_year

),
{% endfor %}
evaluations as (

    select * from ks2_progress
    union all
    select * from ks2_bottom_decile
    union all
    select * from ks4_bottom_decile
    union all
    select * from ks2_attainment
    union all
    select * from ks2_declining
    union all
    select * from ks2_gap_widening
    union all
    select * from ks4_progress
    union all
    select * from ks4_attainment
    union all
    select * from absence_above_national
    union all
    select * from absence_rising

),

judged as (

    select
        evaluations.*,
        flag_rules.description,
        flag_rules.key_stage,
        flag_rules.threshold_value,
        flag_rules.min_cohort_pupils,
        case
            when coalesce(evaluations.cohort_pupils, 0) < flag_rules.min_cohort_pupils then 'not evaluated'
            -- A trend is never judged on fewer years than it compares.
            when flag_rules.comparison in ('each_year_change_at_most', 'each_year_change_at_least')
                and evaluations.missing_parts is not null
                then 'not evaluated'
            when evaluations.measure_value is null then 'not evaluated'
            when flag_rules.comparison in ('upper_confidence_limit_below', 'la_percentile_below')
                and evaluations.measure_value < flag_rules.threshold_value then 'raised'
            -- Not raised only when every part the flag reads is there (a missing subject could have raised it).
            when evaluations.missing_parts is not null then 'not evaluated'
            when flag_rules.comparison in ('school_minus_national_at_most', 'each_year_change_at_most')
                and evaluations.measure_value <= flag_rules.threshold_value then 'raised'
            when flag_rules.comparison in ('school_minus_national_at_least', 'each_year_change_at_least')
                and evaluations.measure_value >= flag_rules.threshold_value then 'raised'
            else 'not raised'
        end as flag_status
    from evaluations
    inner join flag_rules
        on flag_rules.flag_code = evaluations.flag_code

),

final as (

    select
        cast(urn as integer) as urn,
        flag_code,
        key_stage,
        academic_year,
        cast(results_urn as integer) as results_urn,
        results_urn <> urn as is_from_predecessor,
        flag_status,
        flag_status = 'raised' as is_raised,
        measure_value,
        comparator_value,
        threshold_value,
        cast(cohort_pupils as integer) as cohort_pupils,
        missing_parts,
        case flag_status
            when 'raised' then
                description || ' in ' || academic_year || ': ' || breach_detail
                || case when results_urn <> urn then ' (results of predecessor URN ' || results_urn || ')' else '' end
                || coalesce(' (not available: ' || missing_parts || ')', '')
            when 'not raised' then description || ': not raised in ' || academic_year
            else
                description || ': not evaluated in ' || academic_year || ' ('
                || case
                    when coalesce(cohort_pupils, 0) < min_cohort_pupils
                        then 'cohort of ' || coalesce(cast(cohort_pupils as integer), 0) || ' pupils is below ' || min_cohort_pupils
                    when missing_parts is not null then missing_parts
                    else 'measure not available'
                end || ')'
        end as flag_explanation
    from judged

)

select * from final
