{#- PUBLISHED: the LA's groupings (published types of seed grouping_types only: never link adviser caseloads) as
    aggregates, one row per figure, under disclosure control (seed grouping_disclosure_rules). Results are by
    academic year over the year's members; inspection outcomes over today's members. No school is named, and no
    support category is counted (restricted: fct_grouping_current). -#}
{#- Results (fct_grouping_year): (figure_code, key stage, figure name, unit, is_gap, value column, schools column,
    pupils column, LA comparator: measure_code of fct_la_measure_comparison or of fct_disadvantaged_gap for a gap) -#}
{%- set results = [
    ('ks2_rwm_expected_pct', 'KS2', 'Reading, writing and maths: % meeting the expected standard', 'percent', false, 'ks2_rwm_expected_pct', 'ks2_rwm_expected_pct'),
    ('ks2_rwm_higher_pct', 'KS2', 'Reading, writing and maths: % achieving the higher standard', 'percent', false, 'ks2_rwm_higher_pct', 'ks2_rwm_higher_pct'),
    ('ks2_rwm_expected_disadvantaged_gap', 'KS2', 'Disadvantaged gap: reading, writing and maths expected standard (percentage points)', 'percent', true, 'ks2_rwm_expected_disadvantaged_pct', 'ks2_rwm_expected_pct'),
    ('ks4_attainment8_score', 'KS4', 'Attainment 8: average score', 'points', false, 'ks4_attainment8_score', 'ks4_attainment8_score'),
    ('ks4_progress8_score', 'KS4', 'Progress 8: average score', 'progress score', false, 'ks4_progress8_score', 'ks4_progress8_score'),
    ('ks4_english_maths_grade5_pct', 'KS4', 'English and maths: % achieving grade 5 or above', 'percent', false, 'ks4_english_maths_grade5_pct', 'ks4_english_maths_grade5_pct'),
    ('ks4_attainment8_disadvantaged_gap', 'KS4', 'Disadvantaged gap: Attainment 8 (points)', 'points', true, 'ks4_attainment8_disadvantaged_score', 'ks4_attainment8_score'),
    ('ks4_progress8_disadvantaged_gap', 'KS4', 'Disadvantaged gap: Progress 8', 'progress score', true, 'ks4_progress8_disadvantaged_score', 'ks4_progress8_score'),
] -%}
{#- Inspection outcomes (fct_grouping_current): (figure_code, figure name, unit, value column, schools column,
    pupils column or none, LA comparator column of fct_la_good_or_outstanding or none) -#}
{%- set inspections = [
    ('schools_good_or_outstanding_pct', 'Schools judged good or outstanding (% of schools with a judgement)', 'percent', 'schools_good_or_outstanding_pct', 'schools_judged', none, 'schools_good_or_outstanding_pct'),
    ('pupils_good_or_outstanding_pct', 'Pupils in good or outstanding schools (% of pupils in schools with a judgement)', 'percent', 'pupils_good_or_outstanding_pct', 'schools_judged', 'pupils_in_judged_schools', 'pupils_good_or_outstanding_pct'),
    ('ofsted_outstanding_schools', 'Schools: outstanding (or its equivalent)', 'count', 'ofsted_outstanding_schools', 'member_schools', none, none),
    ('ofsted_good_schools', 'Schools: good (or its equivalent)', 'count', 'ofsted_good_schools', 'member_schools', none, none),
    ('ofsted_good_with_concerns_schools', 'Schools: good, with concerns raised at the latest inspection', 'count', 'ofsted_good_with_concerns_schools', 'member_schools', none, none),
    ('ofsted_requires_improvement_schools', 'Schools: requires improvement (or its equivalent)', 'count', 'ofsted_requires_improvement_schools', 'member_schools', none, none),
    ('ofsted_sm_swk_schools', 'Schools: inadequate or in an Ofsted category of concern', 'count', 'ofsted_sm_swk_schools', 'member_schools', none, none),
    ('ofsted_no_grade_schools', 'Schools: inspected, no judgement to report', 'count', 'ofsted_no_grade_schools', 'member_schools', none, none),
    ('ofsted_not_inspected_schools', 'Schools: not yet inspected', 'count', 'ofsted_not_inspected_schools', 'member_schools', none, none),
] -%}

with

report_date as (

    select report_date from {{ ref('int_report_date') }}

),

grouping_types as (

    select * from {{ ref('grouping_types') }}
    where is_published

),

grouping_years as (

    select * from {{ ref('fct_grouping_year') }}

),

groupings_now as (

    select * from {{ ref('fct_grouping_current') }}

),

la_measures as (

    select * from {{ ref('fct_la_measure_comparison') }}
    where la_code = {{ var('la_code') }}

),

la_gaps as (

    select * from {{ ref('fct_disadvantaged_gap') }}
    where geography_level = 'la'
        and la_code = {{ var('la_code') }}

),

la_inspections as (

    select * from {{ ref('fct_la_good_or_outstanding') }}
    where geography_level = 'la'
        and la_code = {{ var('la_code') }}

),

rules as (

    select rules.*
    from {{ ref('grouping_disclosure_rules') }} as rules
    cross join report_date
    where rules.effective_from <= report_date.report_date
        and (rules.effective_to is null or rules.effective_to > report_date.report_date)

),

figures as (

    {%- for code, key_stage, name, unit, is_gap, measure, la_measure in results %}
    select
        grouping_years.grouping_type,
        grouping_years.grouping_name,
        'results' as section,
        grouping_years.academic_year,
        grouping_years.membership_date as as_at_date,
        grouping_years.member_schools,
        {{ loop.index }} as figure_order,
        '{{ code }}' as figure_code,
        '{{ key_stage }}' as key_stage,
        '{{ name }}' as figure_name,
        '{{ unit }}' as unit,
        {{ is_gap }} as is_gap,
        grouping_years.{{ code }} as grouping_value,
        grouping_years.{{ measure }}_schools as schools_counted,
        grouping_years.{{ measure }}_pupils as pupils_counted,
        {%- if is_gap %}
        la_comparator.disadvantaged_gap as la_value
        {%- else %}
        la_comparator.la_value as la_value
        {%- endif %}
    from grouping_years
    left join {{ 'la_gaps' if is_gap else 'la_measures' }} as la_comparator
        on la_comparator.academic_year = grouping_years.academic_year
        and la_comparator.measure_code = '{{ la_measure }}'
    union all
    {%- endfor %}
    {%- for code, name, unit, value, schools, pupils, la_column in inspections %}
    select
        groupings_now.grouping_type,
        groupings_now.grouping_name,
        'inspections',
        cast(null as varchar),
        groupings_now.as_at_date,
        groupings_now.member_schools,
        {{ results | length + loop.index }},
        '{{ code }}',
        cast(null as varchar),
        '{{ name }}',
        '{{ unit }}',
        false,
        cast(groupings_now.{{ value }} as double precision),
        groupings_now.{{ schools }},
        {{ 'groupings_now.' ~ pupils if pupils else 'cast(null as integer)' }},
        {{ 'la_inspections.' ~ la_column if la_column else 'cast(null as double precision)' }}
    from groupings_now
    left join la_inspections
        on true
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

rule_set as (

    select
        max(rule_version) as rule_version,
        string_agg(suppression_reason, '; ' order by rule_order) as disclosure_rules
    from rules

),

-- Every disclosure rule a figure breaks (a figure nobody has is 'no data', not suppressed).
rule_breaches as (

    select
        figures.grouping_type,
        figures.grouping_name,
        figures.as_at_date,
        figures.figure_code,
        rules.suppression_reason,
        rules.rule_version,
        rules.rule_order
    from figures
    inner join rules
        on case rules.comparison
            when 'below' then
                case rules.counted when 'schools' then figures.schools_counted when 'pupils' then figures.pupils_counted end
                < rules.threshold_value
            when 'at_most' then
                case rules.counted when 'schools' then figures.schools_counted when 'pupils' then figures.pupils_counted end
                <= rules.threshold_value
        end
    where figures.grouping_value is not null

),

-- The first rule each figure breaks.
breaches as (

    {{ keep_rows(
        'rule_breaches',
        'row_number() over (partition by grouping_type, grouping_name, as_at_date, figure_code order by rule_order) = 1'
    ) }}

),

final as (

    select
        figures.grouping_type,
        grouping_types.grouping_label,
        grouping_types.grouping_label_plural,
        cast(grouping_types.display_order as integer) as grouping_type_order,
        figures.grouping_name,
        figures.section,
        figures.academic_year,
        figures.as_at_date,
        cast(figures.member_schools as integer) as member_schools,
        cast(figures.figure_order as integer) as figure_order,
        figures.figure_code,
        figures.key_stage,
        figures.figure_name,
        figures.unit,
        figures.is_gap,
        case when breaches.figure_code is null then figures.grouping_value end as grouping_value,
        cast(figures.schools_counted as integer) as schools_counted,
        cast(case when breaches.figure_code is null then figures.pupils_counted end as integer) as pupils_counted,
        figures.la_value,
        breaches.figure_code is not null as is_suppressed,
        breaches.suppression_reason,
        rule_set.rule_version as disclosure_rule_version,
        rule_set.disclosure_rules
    from figures
    cross join rule_set
    inner join grouping_types
        on grouping_types.grouping_type = figures.grouping_type
    left join breaches
        on breaches.grouping_type = figures.grouping_type
        and breaches.grouping_name = figures.grouping_name
        and breaches.as_at_date = figures.as_at_date
        and breaches.figure_code = figures.figure_code

)

select * from final
