{#- Each of the LA's groupings as it stands on the report date (int_report_date): its open member schools, the
    Ofsted outcome in force at each (fct_school_latest_ofsted, every regime) and each maintained school's support
    category (fct_school_support_category). Both are today's facts, so they are counted over today's members, never
    over a past year's. -#}
{%- set outcome_states = ['outstanding', 'good', 'good_with_concerns', 'requires_improvement', 'sm_swk', 'no_grade', 'not_inspected'] -%}
{%- set support_categories = ['OUTSTANDING', 'SECURELY_GOOD', 'GOOD_OF_CONCERN', 'RI_CAPACITY_SECURE', 'RI_CAPACITY_NOT_SECURE', 'SM_SWK'] -%}

with

report_date as (

    select report_date from {{ ref('int_report_date') }}

),

spells as (

    select * from {{ ref('int_school_grouping_history') }}

),

schools as (

    select * from {{ ref('dim_school') }}
    where is_open

),

ofsted as (

    select * from {{ ref('fct_school_latest_ofsted') }}

),

categories as (

    select * from {{ ref('fct_school_support_category') }}
    where categorisation_status = 'categorised'

),

members as (

    select
        spells.grouping_type,
        spells.grouping_name,
        report_date.report_date as as_at_date,
        spells.urn,
        coalesce(schools.number_of_pupils, 0) as pupils,
        -- A judgement: an outcome that places the school good or better, or below good (not 'no grade', not uninspected).
        coalesce(ofsted.is_good_or_outstanding or ofsted.is_below_good, false) as is_judged,
        coalesce(ofsted.is_good_or_outstanding, false) as is_good_or_outstanding,
        coalesce(ofsted.ofsted_outcome_state, 'not_inspected') as ofsted_outcome_state,
        categories.support_category,
        categories.is_causing_concern
    from spells
    cross join report_date
    inner join schools
        on schools.urn = spells.urn
    left join ofsted
        on ofsted.urn = spells.urn
    left join categories
        on categories.urn = spells.urn
    where spells.valid_from <= report_date.report_date
        and (spells.valid_to is null or spells.valid_to > report_date.report_date)

),

aggregated as (

    select
        grouping_type,
        grouping_name,
        as_at_date,
        count(*) as member_schools,
        sum(pupils) as pupils_on_roll,
        count(*) filter (where is_judged) as schools_judged,
        count(*) filter (where is_good_or_outstanding) as schools_good_or_outstanding,
        sum(pupils) filter (where is_judged) as pupils_in_judged_schools,
        sum(pupils) filter (where is_good_or_outstanding) as pupils_in_good_or_outstanding_schools,
        {%- for state in outcome_states %}
        count(*) filter (where ofsted_outcome_state = '{{ state }}') as ofsted_{{ state }}_schools,
        {%- endfor %}
        count(*) filter (where support_category is not null) as categorised_schools,
        count(*) filter (where is_causing_concern) as causing_concern_schools,
        {%- for category in support_categories %}
        count(*) filter (where support_category = '{{ category }}') as category_{{ category | lower }}_schools{{ ',' if not loop.last }}
        {%- endfor %}
    from members
    group by grouping_type, grouping_name, as_at_date

),

-- Percentages are of schools (and pupils) with a judgement, as the LA headline (fct_la_good_or_outstanding).
final as (

    select
        grouping_type,
        grouping_name,
        as_at_date,
        cast(member_schools as integer) as member_schools,
        cast(pupils_on_roll as integer) as pupils_on_roll,
        cast(schools_judged as integer) as schools_judged,
        cast(schools_good_or_outstanding as integer) as schools_good_or_outstanding,
        100 * cast(schools_good_or_outstanding as double precision) / nullif(schools_judged, 0) as schools_good_or_outstanding_pct,
        cast(coalesce(pupils_in_judged_schools, 0) as integer) as pupils_in_judged_schools,
        cast(coalesce(pupils_in_good_or_outstanding_schools, 0) as integer) as pupils_in_good_or_outstanding_schools,
        100 * cast(pupils_in_good_or_outstanding_schools as double precision) / nullif(pupils_in_judged_schools, 0) as pupils_good_or_outstanding_pct,
        {%- for state in outcome_states %}
        cast(ofsted_{{ state }}_schools as integer) as ofsted_{{ state }}_schools,
        {%- endfor %}
        cast(categorised_schools as integer) as categorised_schools,
        cast(causing_concern_schools as integer) as causing_concern_schools,
        {%- for category in support_categories %}
        cast(category_{{ category | lower }}_schools as integer) as category_{{ category | lower }}_schools{{ ',' if not loop.last }}
        {%- endfor %}
    from aggregated

)

select * from final
