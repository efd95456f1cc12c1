{#- LA and national headline measures for every LA in the data, long format, with each LA's region and the
    pupils each figure describes. rpt_report__la_comparisons computes region and statistical-neighbour averages
    from these rows.
    (key_stage, measure_code, measure_name, unit, pupil_group, value column, pupils column) -#}
{%- set la_measures = [
    ('KS2', 'ks2_rwm_expected_pct', 'Reading, writing and maths: % meeting the expected standard', 'percent', 'all', 'rwm_expected_pct', 'cohort_pupils'),
    ('KS2', 'ks2_rwm_higher_pct', 'Reading, writing and maths: % achieving the higher standard', 'percent', 'all', 'rwm_higher_pct', 'cohort_pupils'),
    ('KS2', 'ks2_reading_scaled_score', 'Reading: average scaled score', 'scaled score', 'all', 'reading_scaled_score', 'cohort_pupils'),
    ('KS2', 'ks2_maths_scaled_score', 'Maths: average scaled score', 'scaled score', 'all', 'maths_scaled_score', 'cohort_pupils'),
    ('KS2', 'ks2_reading_progress_score', 'Reading: progress score', 'progress score', 'all', 'reading_progress_score', 'cohort_pupils'),
    ('KS2', 'ks2_writing_progress_score', 'Writing: progress score', 'progress score', 'all', 'writing_progress_score', 'cohort_pupils'),
    ('KS2', 'ks2_maths_progress_score', 'Maths: progress score', 'progress score', 'all', 'maths_progress_score', 'cohort_pupils'),
    ('KS2', 'ks2_rwm_expected_pct', 'Reading, writing and maths: % meeting the expected standard', 'percent', 'disadvantaged', 'rwm_expected_disadvantaged_pct', 'disadvantaged_pupils'),
    ('KS2', 'ks2_rwm_expected_pct', 'Reading, writing and maths: % meeting the expected standard', 'percent', 'other', 'rwm_expected_other_pct', 'other_pupils'),
    ('KS4', 'ks4_attainment8_score', 'Attainment 8: average score', 'points', 'all', 'attainment8_score', 'cohort_pupils'),
    ('KS4', 'ks4_progress8_score', 'Progress 8: average score', 'progress score', 'all', 'progress8_score', 'cohort_pupils'),
    ('KS4', 'ks4_english_maths_grade5_pct', 'English and maths: % achieving grade 5 or above', 'percent', 'all', 'english_maths_grade5_pct', 'cohort_pupils'),
    ('KS4', 'ks4_english_maths_grade4_pct', 'English and maths: % achieving grade 4 or above', 'percent', 'all', 'english_maths_grade4_pct', 'cohort_pupils'),
    ('KS4', 'ks4_ebacc_entry_pct', 'EBacc: % of pupils entered', 'percent', 'all', 'ebacc_entry_pct', 'cohort_pupils'),
    ('KS4', 'ks4_ebacc_aps_score', 'EBacc: average point score', 'points', 'all', 'ebacc_aps_score', 'cohort_pupils'),
    ('KS4', 'ks4_attainment8_score', 'Attainment 8: average score', 'points', 'disadvantaged', 'attainment8_disadvantaged_score', 'disadvantaged_pupils'),
    ('KS4', 'ks4_attainment8_score', 'Attainment 8: average score', 'points', 'other', 'attainment8_other_score', 'other_pupils'),
    ('KS4', 'ks4_progress8_score', 'Progress 8: average score', 'progress score', 'disadvantaged', 'progress8_disadvantaged_score', 'disadvantaged_pupils'),
    ('KS4', 'ks4_progress8_score', 'Progress 8: average score', 'progress score', 'other', 'progress8_other_score', 'other_pupils'),
] -%}

with

ks2_la as (

    select * from {{ ref('int_ks2_la_comparators') }}

),

ks4_la as (

    select * from {{ ref('int_ks4_la_comparators') }}

),

ks2_national as (

    select * from {{ ref('int_ks2_national_comparators') }}

),

ks4_national as (

    select * from {{ ref('int_ks4_national_comparators') }}

),

dictionary as (

    select * from {{ ref('measure_dictionary') }}

),

availability as (

    select * from {{ ref('performance_table_availability') }}

),

-- An LA's region is the region GIAS gives most of its schools.
la_region_schools as (

    select la_code, region_name, count(*) as school_count
    from {{ ref('dim_school') }}
    where region_name is not null
    group by la_code, region_name

),

la_regions as (

    select la_code, region_name
    from (
        {{ keep_rows('la_region_schools', 'row_number() over (partition by la_code order by school_count desc, region_name) = 1') }}
    ) as most_schools

),

measures_long as (

    {%- for key_stage, measure_code, measure_name, unit, pupil_group, column, pupils in la_measures %}
    {%- set ks = key_stage | lower %}
    select
        'la' as geography_level,
        {{ ks }}_la.la_code,
        {{ ks }}_la.la_name as area_name,
        {{ ks }}_la.academic_year,
        '{{ key_stage }}' as key_stage,
        '{{ measure_code }}' as measure_code,
        '{{ measure_name }}' as measure_name,
        '{{ unit }}' as unit,
        '{{ pupil_group }}' as pupil_group,
        {{ ks }}_la.{{ column }} as value,
        {{ ks }}_la.{{ column }}_reason as value_reason,
        {{ ks }}_la.{{ pupils }} as pupils,
        {{ ks }}_la.data_version
    from {{ ks }}_la
    union all
    select
        'national' as geography_level,
        cast(null as integer) as la_code,
        'England (state-funded)' as area_name,
        {{ ks }}_national.academic_year,
        '{{ key_stage }}' as key_stage,
        '{{ measure_code }}' as measure_code,
        '{{ measure_name }}' as measure_name,
        '{{ unit }}' as unit,
        '{{ pupil_group }}' as pupil_group,
        {{ ks }}_national.{{ column }} as value,
        {{ ks }}_national.{{ column }}_reason as value_reason,
        {{ ks }}_national.{{ pupils }} as pupils,
        {{ ks }}_national.data_version
    from {{ ks }}_national
    where {{ ks }}_national.national_scope = 'state_funded'
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

final as (

    select
        measures_long.geography_level,
        measures_long.la_code,
        measures_long.area_name,
        la_regions.region_name,
        measures_long.academic_year,
        measures_long.key_stage,
        measures_long.measure_code,
        measures_long.measure_name,
        measures_long.unit,
        measures_long.pupil_group,
        -- Not published (seed performance_table_availability) is one state for every LA and national alike, so
        -- region and statistical-neighbour averages are not published either.
        case when {{ not_published_reason('availability', 'dictionary') }} is null
            then cast(measures_long.value as double precision) end as value,
        case when {{ not_published_reason('availability', 'dictionary') }} is null
            then cast(measures_long.value_reason as varchar) else 'NP' end as value_reason,
        cast(measures_long.pupils as double precision) as pupils,
        measures_long.data_version,
        {{ not_published_reason('availability', 'dictionary') }} as not_published_reason
    from measures_long
    left join la_regions
        on la_regions.la_code = measures_long.la_code
    left join dictionary
        on dictionary.measure_code = measures_long.measure_code
    left join availability
        on availability.key_stage = measures_long.key_stage
        and availability.academic_year = measures_long.academic_year

)

select * from final
