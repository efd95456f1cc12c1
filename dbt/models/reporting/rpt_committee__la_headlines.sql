{#- Headline measures shown to committee: (key_stage, measure_code, measure_name, unit, comparator column). -#}
{%- set headline_measures = [
    ('KS2', 'ks2_rwm_expected_pct', 'Reading, writing and maths: % meeting the expected standard', 'percent', 'rwm_expected_pct'),
    ('KS2', 'ks2_rwm_higher_pct', 'Reading, writing and maths: % achieving the higher standard', 'percent', 'rwm_higher_pct'),
    ('KS2', 'ks2_reading_scaled_score', 'Reading: average scaled score', 'scaled score', 'reading_scaled_score'),
    ('KS2', 'ks2_maths_scaled_score', 'Maths: average scaled score', 'scaled score', 'maths_scaled_score'),
    ('KS2', 'ks2_reading_progress_score', 'Reading: progress score', 'progress score', 'reading_progress_score'),
    ('KS2', 'ks2_writing_progress_score', 'Writing: progress score', 'progress score', 'writing_progress_score'),
    ('KS2', 'ks2_maths_progress_score', 'Maths: progress score', 'progress score', 'maths_progress_score'),
    ('KS4', 'ks4_attainment8_score', 'Attainment 8: average score', 'points', 'attainment8_score'),
    ('KS4', 'ks4_progress8_score', 'Progress 8: average score', 'progress score', 'progress8_score'),
    ('KS4', 'ks4_english_maths_grade5_pct', 'English and maths: % achieving grade 5 or above', 'percent', 'english_maths_grade5_pct'),
    ('KS4', 'ks4_english_maths_grade4_pct', 'English and maths: % achieving grade 4 or above', 'percent', 'english_maths_grade4_pct'),
    ('KS4', 'ks4_ebacc_entry_pct', 'EBacc: % of pupils entered', 'percent', 'ebacc_entry_pct'),
    ('KS4', 'ks4_ebacc_aps_score', 'EBacc: average point score', 'points', 'ebacc_aps_score'),
] -%}

with

ks2_la as (

    select * from {{ ref('int_ks2_la_comparators') }}
    where la_code = {{ var('la_code') }}

),

ks4_la as (

    select * from {{ ref('int_ks4_la_comparators') }}
    where la_code = {{ var('la_code') }}

),

ks2_national as (

    select * from {{ ref('int_ks2_national_comparators') }}

),

ks4_national as (

    select * from {{ ref('int_ks4_national_comparators') }}

),

measures_long as (

    {%- for key_stage, measure_code, measure_name, unit, column in headline_measures %}
    {%- set ks = key_stage | lower %}
    select
        {{ ks }}_la.academic_year,
        '{{ key_stage }}' as key_stage,
        '{{ measure_code }}' as measure_code,
        '{{ measure_name }}' as measure_name,
        '{{ unit }}' as unit,
        {{ ks }}_la.{{ column }} as la_value,
        {{ ks }}_la.{{ column }}_reason as la_value_reason,
        {{ ks }}_national.{{ column }} as national_value,
        {{ ks }}_national.{{ column }}_reason as national_value_reason,
        coalesce({{ ks }}_la.data_version, {{ ks }}_national.data_version) as data_version
    from {{ ks }}_la
    left join {{ ks }}_national
        on {{ ks }}_national.academic_year = {{ ks }}_la.academic_year
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

-- Trends are judged at the precision DfE publishes each unit (percentages whole, scores one place, progress two).
with_previous as (

    select
        current_year.*,
        case current_year.unit
            when 'percent' then 0
            when 'progress score' then 2
            else 1
        end as published_decimals,
        previous_year.la_value as la_value_previous_year
    from measures_long as current_year
    left join measures_long as previous_year
        on previous_year.measure_code = current_year.measure_code
        and previous_year.academic_year = {{ previous_academic_year('current_year.academic_year') }}

),

final as (

    select
        academic_year,
        key_stage,
        measure_code,
        measure_name,
        unit,
        round(la_value, 2) as la_value,
        la_value_reason,
        round(national_value, 2) as national_value,
        national_value_reason,
        round(la_value - national_value, 2) as la_minus_national,
        round(la_value_previous_year, 2) as la_value_previous_year,
        case
            when la_value is null or la_value_previous_year is null then null
            when round(la_value, published_decimals) > round(la_value_previous_year, published_decimals) then 'up'
            when round(la_value, published_decimals) < round(la_value_previous_year, published_decimals) then 'down'
            else 'same'
        end as trend,
        data_version
    from with_previous

)

select * from final
