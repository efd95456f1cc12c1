{#- (key_stage, measure_code, measure_name, unit, disadvantaged column, other column, DfE-published school gap column) -#}
{%- set gap_measures = [
    ('KS2', 'ks2_rwm_expected_pct', 'Reading, writing and maths: % meeting the expected standard', 'percent', 'rwm_expected_disadvantaged_pct', 'rwm_expected_other_pct', 'rwm_expected_published_gap_pct'),
    ('KS4', 'ks4_attainment8_score', 'Attainment 8: average score', 'points', 'attainment8_disadvantaged_score', 'attainment8_other_score', none),
    ('KS4', 'ks4_progress8_score', 'Progress 8: average score', 'progress score', 'progress8_disadvantaged_score', 'progress8_other_score', 'progress8_published_gap_score'),
] -%}

with

ks2_schools as (

    select * from {{ ref('stg_ks2__school_results') }}
    where is_state_funded

),

ks4_schools as (

    select * from {{ ref('stg_ks4__school_results') }}
    where is_state_funded

),

ks2_las as (

    select * from {{ ref('int_ks2_la_comparators') }}

),

ks4_las as (

    select * from {{ ref('int_ks4_la_comparators') }}

),

ks2_national as (

    select * from {{ ref('int_ks2_national_comparators') }}

),

ks4_national as (

    select * from {{ ref('int_ks4_national_comparators') }}

),

-- One long row per area, year and measure. DfE defines the disadvantaged gap as the area's disadvantaged
-- pupils against national OTHER (not disadvantaged) pupils; the within-area gap compares with the area's own others.
measures_long as (

    {%- for key_stage, measure_code, measure_name, unit, disadvantaged, other, published_gap in gap_measures %}
    {%- set ks = key_stage | lower %}
    select
        'school' as geography_level,
        cast(urn as varchar) as area_code,
        urn,
        la_code,
        academic_year,
        '{{ key_stage }}' as key_stage,
        '{{ measure_code }}' as measure_code,
        '{{ measure_name }}' as measure_name,
        '{{ unit }}' as unit,
        disadvantaged_pupils,
        {{ disadvantaged }} as disadvantaged_value,
        {{ disadvantaged }}_reason as disadvantaged_value_reason,
        {{ other }} as other_value,
        {{ other }}_reason as other_value_reason,
        {{ published_gap if published_gap else 'cast(null as double precision)' }} as published_gap_value,
        data_version
    from {{ ks }}_schools
    union all
    select
        'la',
        cast(la_code as varchar),
        cast(null as integer),
        la_code,
        academic_year,
        '{{ key_stage }}',
        '{{ measure_code }}',
        '{{ measure_name }}',
        '{{ unit }}',
        disadvantaged_pupils,
        {{ disadvantaged }},
        {{ disadvantaged }}_reason,
        {{ other }},
        {{ other }}_reason,
        cast(null as double precision),
        data_version
    from {{ ks }}_las
    union all
    select
        'national',
        'england',
        cast(null as integer),
        cast(null as integer),
        academic_year,
        '{{ key_stage }}',
        '{{ measure_code }}',
        '{{ measure_name }}',
        '{{ unit }}',
        disadvantaged_pupils,
        {{ disadvantaged }},
        {{ disadvantaged }}_reason,
        {{ other }},
        {{ other }}_reason,
        cast(null as double precision),
        data_version
    from {{ ks }}_national
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

national_other as (

    select
        academic_year,
        measure_code,
        other_value as national_other_value
    from measures_long
    where geography_level = 'national'

),

final as (

    select
        measures_long.geography_level,
        measures_long.area_code,
        cast(measures_long.urn as integer) as urn,
        cast(measures_long.la_code as integer) as la_code,
        measures_long.academic_year,
        measures_long.key_stage,
        measures_long.measure_code,
        measures_long.measure_name,
        measures_long.unit,
        measures_long.disadvantaged_pupils,
        measures_long.disadvantaged_value,
        measures_long.disadvantaged_value_reason,
        measures_long.other_value,
        measures_long.other_value_reason,
        national_other.national_other_value,
        {{ round_to('measures_long.disadvantaged_value - national_other.national_other_value', 2) }} as disadvantaged_gap,
        {{ round_to('measures_long.disadvantaged_value - measures_long.other_value', 2) }} as within_area_gap,
        measures_long.published_gap_value,
        measures_long.data_version
    from measures_long
    left join national_other
        on national_other.academic_year = measures_long.academic_year
        and national_other.measure_code = measures_long.measure_code

)

select * from final
