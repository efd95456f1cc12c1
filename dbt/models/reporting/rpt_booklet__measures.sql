{#- Achievement and Target Setting Booklet: each maintained LA school's measures for every year, long format,
    with LA and national comparisons, progress confidence intervals and significance bands. Trends follow the
    predecessor chain through fct_ks*_school_year, which already carries the spine.
    (key_stage, measure_code, measure_name, unit, pupil_group, column, has comparisons, interval prefix, pupils) -#}
{%- set booklet_measures = [
    ('KS2', 'ks2_rwm_expected_pct', 'Reading, writing and maths: % meeting the expected standard', 'percent', 'all', 'rwm_expected_pct', true, none, 'cohort_pupils'),
    ('KS2', 'ks2_rwm_higher_pct', 'Reading, writing and maths: % achieving the higher standard', 'percent', 'all', 'rwm_higher_pct', true, none, 'cohort_pupils'),
    ('KS2', 'ks2_reading_scaled_score', 'Reading: average scaled score', 'scaled score', 'all', 'reading_scaled_score', true, none, 'cohort_pupils'),
    ('KS2', 'ks2_maths_scaled_score', 'Maths: average scaled score', 'scaled score', 'all', 'maths_scaled_score', true, none, 'cohort_pupils'),
    ('KS2', 'ks2_gps_scaled_score', 'Grammar, punctuation and spelling: average scaled score', 'scaled score', 'all', 'gps_scaled_score', true, none, 'cohort_pupils'),
    ('KS2', 'ks2_reading_progress_score', 'Reading: progress score', 'progress score', 'all', 'reading_progress_score', false, 'reading_progress', 'cohort_pupils'),
    ('KS2', 'ks2_writing_progress_score', 'Writing: progress score', 'progress score', 'all', 'writing_progress_score', false, 'writing_progress', 'cohort_pupils'),
    ('KS2', 'ks2_maths_progress_score', 'Maths: progress score', 'progress score', 'all', 'maths_progress_score', false, 'maths_progress', 'cohort_pupils'),
    ('KS2', 'ks2_rwm_expected_pct', 'Reading, writing and maths: % meeting the expected standard', 'percent', 'disadvantaged', 'rwm_expected_disadvantaged_pct', false, none, 'disadvantaged_pupils'),
    ('KS2', 'ks2_rwm_expected_pct', 'Reading, writing and maths: % meeting the expected standard', 'percent', 'other', 'rwm_expected_other_pct', false, none, 'other_pupils'),
    ('KS4', 'ks4_attainment8_score', 'Attainment 8: average score', 'points', 'all', 'attainment8_score', true, none, 'cohort_pupils'),
    ('KS4', 'ks4_progress8_score', 'Progress 8: average score', 'progress score', 'all', 'progress8_score', true, 'progress8', 'cohort_pupils'),
    ('KS4', 'ks4_english_maths_grade5_pct', 'English and maths: % achieving grade 5 or above', 'percent', 'all', 'english_maths_grade5_pct', true, none, 'cohort_pupils'),
    ('KS4', 'ks4_english_maths_grade4_pct', 'English and maths: % achieving grade 4 or above', 'percent', 'all', 'english_maths_grade4_pct', true, none, 'cohort_pupils'),
    ('KS4', 'ks4_ebacc_entry_pct', 'EBacc: % of pupils entered', 'percent', 'all', 'ebacc_entry_pct', true, none, 'cohort_pupils'),
    ('KS4', 'ks4_ebacc_aps_score', 'EBacc: average point score', 'points', 'all', 'ebacc_aps_score', true, none, 'cohort_pupils'),
    ('KS4', 'ks4_attainment8_score', 'Attainment 8: average score', 'points', 'disadvantaged', 'attainment8_disadvantaged_score', false, none, 'disadvantaged_pupils'),
    ('KS4', 'ks4_attainment8_score', 'Attainment 8: average score', 'points', 'other', 'attainment8_other_score', false, none, 'other_pupils'),
] -%}

with

schools as (

    select * from {{ ref('rpt_booklet__schools') }}

),

ks2 as (

    select *, cohort_pupils - disadvantaged_pupils as other_pupils
    from {{ ref('fct_ks2_school_year') }}

),

ks4 as (

    select *, cohort_pupils - disadvantaged_pupils as other_pupils
    from {{ ref('fct_ks4_school_year') }}

),

measures_long as (

    {%- for key_stage, measure_code, measure_name, unit, pupil_group, column, comparisons, interval, pupils in booklet_measures %}
    {%- set ks = key_stage | lower %}
    select
        {{ ks }}.urn,
        {{ ks }}.academic_year,
        '{{ key_stage }}' as key_stage,
        '{{ measure_code }}' as measure_code,
        '{{ measure_name }}' as measure_name,
        '{{ unit }}' as unit,
        '{{ pupil_group }}' as pupil_group,
        {{ loop.index }} as measure_order,
        {{ ks }}.has_results,
        {{ ks }}.data_version,
        {{ ks }}.{{ column }} as value,
        {{ ks }}.{{ column }}_reason as value_reason,
        {{ ks }}.{{ pupils }} as pupils,
        {{ ks }}.{{ pupils if pupils != 'other_pupils' else 'disadvantaged_pupils' }}_reason as pupils_reason,
        {% if comparisons -%}
        {{ ks }}.{{ column }}_la as la_value,
        {{ ks }}.{{ column }}_national as national_value,
        {{ ks }}.{{ column }}_vs_national as vs_national
        {%- else -%}
        cast(null as double precision) as la_value,
        cast(null as double precision) as national_value,
        cast(null as double precision) as vs_national
        {%- endif %},
        {% if interval -%}
        {{ ks }}.{{ interval }}_lower_score as lower_limit,
        {{ ks }}.{{ interval }}_upper_score as upper_limit,
        {{ ks }}.{{ interval }}_band as significance_band
        {%- else -%}
        cast(null as double precision) as lower_limit,
        cast(null as double precision) as upper_limit,
        cast(null as varchar) as significance_band
        {%- endif %}
    from {{ ks }}
    inner join schools
        on schools.urn = {{ ks }}.urn
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

dictionary as (

    select * from {{ ref('measure_dictionary') }}

),

availability as (

    select * from {{ ref('performance_table_availability') }}

),

-- Percentile ranks the warehouse computes for each school (0 lowest, 100 highest), shown beside the measures.
percentiles as (

    select urn, academic_year, measure_code, pupil_group, la_percentile_rank, national_percentile_rank
    from {{ ref('fct_school_measure_comparison') }}

),

-- Not published (seed performance_table_availability, e.g. KS2 progress with no KS1 baseline) is one state for
-- the school, the LA and England: the value is NULL with reason NP and the seed's reason is kept.
with_availability as (

    select
        measures_long.*,
        {{ not_published_reason('availability', 'dictionary') }} as not_published_reason
    from measures_long
    left join dictionary
        on dictionary.measure_code = measures_long.measure_code
    left join availability
        on availability.key_stage = measures_long.key_stage
        and availability.academic_year = measures_long.academic_year

),

final as (

    select
        urn,
        academic_year,
        key_stage,
        measure_code,
        measure_name,
        unit,
        pupil_group,
        measure_order,
        has_results,
        data_version,
        case when not_published_reason is null then cast(value as double precision) end as value,
        case when not_published_reason is null then cast(value_reason as varchar) else 'NP' end as value_reason,
        cast(pupils as double precision) as pupils,
        cast(pupils_reason as varchar) as pupils_reason,
        case when not_published_reason is null then cast(la_value as double precision) end as la_value,
        case when not_published_reason is null then cast(national_value as double precision) end as national_value,
        case when not_published_reason is null then cast(vs_national as double precision) end as vs_national,
        cast(lower_limit as double precision) as lower_limit,
        cast(upper_limit as double precision) as upper_limit,
        significance_band,
        not_published_reason,
        cast(percentiles.la_percentile_rank as integer) as la_percentile_rank,
        cast(percentiles.national_percentile_rank as integer) as national_percentile_rank
    from with_availability
    left join percentiles
        using (urn, academic_year, measure_code, pupil_group)

)

select * from final
