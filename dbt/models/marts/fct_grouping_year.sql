{#- Each of the LA's groupings in each year with results, from the schools that were its members at the end of
    that year (int_grouping_year_members): schools, pupils on roll, pupil-weighted KS2 and KS4 headline measures and
    the disadvantaged gap. Each measure is weighted by the pupil count the LA comparators weight it by
    (int_ks2_la_comparators, int_ks4_la_comparators), over the state-funded member schools with a published value,
    and says how many schools and pupils it rests on (disclosure control needs both). -#}
{#- (measure_code of seed measure_dictionary, key stage mart, column, weight column) -#}
{%- set weighted_measures = [
    ('ks2_rwm_expected_pct', 'ks2', 'rwm_expected_pct', 'cohort_pupils'),
    ('ks2_rwm_higher_pct', 'ks2', 'rwm_higher_pct', 'cohort_pupils'),
    ('ks2_rwm_expected_disadvantaged_pct', 'ks2', 'rwm_expected_disadvantaged_pct', 'disadvantaged_pupils'),
    ('ks4_attainment8_score', 'ks4', 'attainment8_score', 'cohort_pupils'),
    ('ks4_progress8_score', 'ks4', 'progress8_score', 'progress8_pupils'),
    ('ks4_english_maths_grade5_pct', 'ks4', 'english_maths_grade5_pct', 'cohort_pupils'),
    ('ks4_attainment8_disadvantaged_score', 'ks4', 'attainment8_disadvantaged_score', 'disadvantaged_pupils'),
    ('ks4_progress8_disadvantaged_score', 'ks4', 'progress8_disadvantaged_score', 'disadvantaged_pupils'),
] -%}
{#- A KS4 school with NE (no entries) entered none of its pupils: DfE's LA figure counts them as scoring 0, as
    int_ks4_la_comparators does. Progress measures have no NE value to count. -#}
{%- set no_entries_score_zero = ['attainment8_score', 'english_maths_grade5_pct', 'attainment8_disadvantaged_score'] -%}
{#- (gap column, the grouping's disadvantaged measure, measure_code of fct_disadvantaged_gap for national others) -#}
{%- set gaps = [
    ('ks2_rwm_expected_disadvantaged_gap', 'ks2_rwm_expected_disadvantaged_pct', 'ks2_rwm_expected_pct'),
    ('ks4_attainment8_disadvantaged_gap', 'ks4_attainment8_disadvantaged_score', 'ks4_attainment8_score'),
    ('ks4_progress8_disadvantaged_gap', 'ks4_progress8_disadvantaged_score', 'ks4_progress8_score'),
] -%}

with

members as (

    select * from {{ ref('int_grouping_year_members') }}

),

schools as (

    select * from {{ ref('dim_school') }}

),

school_context as (

    select * from {{ ref('fct_school_context') }}

),

ks2 as (

    select * from {{ ref('fct_ks2_school_year') }}
    where has_results
        and is_state_funded

),

ks4 as (

    select * from {{ ref('fct_ks4_school_year') }}
    where has_results
        and is_state_funded

),

national_others as (

    select * from {{ ref('fct_disadvantaged_gap') }}
    where geography_level = 'national'

),

results_years as (

    select academic_year from ks2
    union
    select academic_year from ks4

),

member_values as (

    select
        members.grouping_type,
        members.grouping_name,
        members.academic_year,
        members.membership_date,
        members.urn,
        coalesce(schools.open_date <= members.membership_date, true)
            and coalesce(schools.close_date >= members.membership_date, true) as is_open_on_membership_date,
        school_context.pupils_on_roll,
        {%- for measure_code, mart, column, weight in weighted_measures %}
        {%- if column in no_entries_score_zero %}
        case when {{ mart }}.{{ column }}_reason = 'NE' then 0 else {{ mart }}.{{ column }} end as {{ measure_code }},
        {%- else %}
        {{ mart }}.{{ column }} as {{ measure_code }},
        {%- endif %}
        {{ mart }}.{{ weight }} as {{ measure_code }}_weight{{ ',' if not loop.last }}
        {%- endfor %}
    from members
    inner join results_years
        on results_years.academic_year = members.academic_year
    left join schools
        on schools.urn = members.urn
    left join school_context
        on school_context.urn = members.urn
        and school_context.academic_year = members.academic_year
    left join ks2
        on ks2.urn = members.urn
        and ks2.academic_year = members.academic_year
    left join ks4
        on ks4.urn = members.urn
        and ks4.academic_year = members.academic_year

),

-- Pupil-weighted: the sum of value x pupils over the sum of pupils, of the schools with both (never a mean of
-- school percentages), in exact decimals (dbt/macros/exact_means.sql).
aggregated as (

    select
        grouping_type,
        grouping_name,
        academic_year,
        membership_date,
        count(*) filter (where is_open_on_membership_date) as member_schools,
        sum(pupils_on_roll) filter (where is_open_on_membership_date) as pupils_on_roll,
        {%- for measure_code, mart, column, weight in weighted_measures %}
        {{ weighted_mean(measure_code, measure_code ~ '_weight') }} as {{ measure_code }},
        count(*) filter (where {{ measure_code }} is not null and {{ measure_code }}_weight is not null)
            as {{ measure_code }}_schools,
        sum({{ measure_code }}_weight) filter (where {{ measure_code }} is not null) as {{ measure_code }}_pupils{{ ',' if not loop.last }}
        {%- endfor %}
    from member_values
    group by grouping_type, grouping_name, academic_year, membership_date

),

final as (

    select
        aggregated.grouping_type,
        aggregated.grouping_name,
        aggregated.academic_year,
        aggregated.membership_date,
        cast(aggregated.member_schools as integer) as member_schools,
        cast(aggregated.pupils_on_roll as integer) as pupils_on_roll,
        {%- for measure_code, mart, column, weight in weighted_measures %}
        aggregated.{{ measure_code }},
        cast(aggregated.{{ measure_code }}_schools as integer) as {{ measure_code }}_schools,
        cast(aggregated.{{ measure_code }}_pupils as integer) as {{ measure_code }}_pupils,
        {%- endfor %}
        {%- for gap_column, disadvantaged, national_measure in gaps %}
        -- DfE definition: the grouping's disadvantaged pupils against national other pupils.
        {{ round_to('aggregated.' ~ disadvantaged ~ ' - ' ~ gap_column ~ '_national.national_other_value', 2) }} as {{ gap_column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from aggregated
    {%- for gap_column, disadvantaged, national_measure in gaps %}
    left join national_others as {{ gap_column }}_national
        on {{ gap_column }}_national.academic_year = aggregated.academic_year
        and {{ gap_column }}_national.measure_code = '{{ national_measure }}'
    {%- endfor %}

)

select * from final
