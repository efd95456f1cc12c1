{#- Categories are as at the report date: the one asked for (var report_date), else the latest date the data covers
    (int_report_term), so the same data gives the same categories and "as at" whatever day the build runs. -#}
{%- set as_of_date = "cast('" ~ var('report_date') ~ "' as date)" if var('report_date')
    else "(select max(report_date) from " ~ ref('int_report_term') ~ ")" -%}

with

schools as (

    select * from {{ ref('dim_school') }}
    where is_la_school
        and is_open
        and governance in ('maintained', 'academy')

),

latest_ofsted as (

    select * from {{ ref('fct_school_latest_ofsted') }}

),

risk_flags as (

    select * from {{ ref('int_school_data_risk_flags') }}

),

capacity_judgements as (

    select * from {{ ref('int_adviser_capacity_judgements') }}

),

category_overrides as (

    select * from {{ ref('int_category_overrides') }}

),

support_categories as (

    select * from {{ ref('support_categories') }}

),

-- The rule set in force on the as-of date (the most recently effective version when several overlap).
rules as (

    select *
    from {{ ref('categorisation_rules') }}
    where effective_from <= {{ as_of_date }}
        and (effective_to is null or effective_to > {{ as_of_date }})
    qualify rule_version = first_value(rule_version) over (order by effective_from desc, rule_version desc)

),

flag_summary as (

    select
        urn,
        count(*) filter (where is_raised) as risk_flag_count,
        string_agg(flag_code, ', ' order by flag_code) filter (where is_raised) as risk_flags,
        string_agg(flag_explanation, ' | ' order by flag_code) filter (where is_raised) as raised_explanations,
        string_agg(flag_code || ' ' || academic_year || ' ' || flag_status, ', ' order by flag_code)
            filter (where not is_raised) as other_evaluations
    from risk_flags
    group by urn

),

inputs as (

    select
        schools.urn,
        schools.la_code,
        schools.governance,
        schools.is_maintained,
        schools.is_academy,
        schools.phase,
        latest_ofsted.ofsted_outcome_state,
        latest_ofsted.overall_effectiveness_grade,
        latest_ofsted.overall_effectiveness_label,
        latest_ofsted.category_of_concern,
        latest_ofsted.inspection_number,
        latest_ofsted.inspection_start_date,
        latest_ofsted.publication_date,
        latest_ofsted.is_inherited_from_predecessor,
        latest_ofsted.inspected_urn,
        cast(coalesce(flag_summary.risk_flag_count, 0) as integer) as risk_flag_count,
        flag_summary.risk_flags,
        flag_summary.raised_explanations,
        flag_summary.other_evaluations,
        capacity_judgements.capacity_to_improve,
        capacity_judgements.judged_on as capacity_judged_on,
        case
            when capacity_judgements.capacity_to_improve = 'secure' then 'secure'
            when capacity_judgements.capacity_to_improve = 'not_secure' then 'not_secure'
            else 'unknown'
        end as capacity_state
    from schools
    left join latest_ofsted
        on latest_ofsted.urn = schools.urn
    left join flag_summary
        on flag_summary.urn = schools.urn
    left join capacity_judgements
        on capacity_judgements.urn = schools.urn

),

-- Ordered first-match: the lowest rule_order whose every condition holds ('*' matches anything).
matched as (

    select
        inputs.urn,
        rules.rule_version,
        rules.effective_from as rule_effective_from,
        rules.rule_code,
        rules.support_category,
        rules.reason_text
    from inputs
    inner join rules
        on rules.governance_condition in ('*', inputs.governance)
        and rules.ofsted_state_condition in ('*', inputs.ofsted_outcome_state)
        and rules.has_risk_flags_condition in ('*', case when inputs.risk_flag_count > 0 then 'yes' else 'no' end)
        and rules.capacity_condition in ('*', inputs.capacity_state)
    qualify row_number() over (partition by inputs.urn order by rules.rule_order) = 1

),

explained_by_rules as (

    select
        inputs.*,
        matched.rule_version,
        matched.rule_effective_from,
        matched.rule_code,
        matched.support_category,
        matched.reason_text,
        concat_ws(
            '; ',
            coalesce(
                'Rule ' || matched.rule_code || ' (' || matched.rule_version || '): ' || matched.reason_text,
                'No categorisation rule matched'
            ),
            'Ofsted: ' || case
                when inputs.ofsted_outcome_state = 'not_inspected'
                    then 'not yet inspected (no inspection of this URN or any predecessor)'
                else
                    coalesce(
                        inputs.overall_effectiveness_label || ' (grade ' || inputs.overall_effectiveness_grade || ')',
                        'no overall effectiveness grade'
                    )
                    || ', inspection ' || inputs.inspection_number
                    || ' started ' || strftime(inputs.inspection_start_date, '%Y-%m-%d')
                    || coalesce(', published ' || strftime(inputs.publication_date, '%Y-%m-%d'), '')
                    || case
                        when inputs.is_inherited_from_predecessor
                            then ' (inherited from predecessor URN ' || inputs.inspected_urn || ')'
                        else ''
                    end
            end,
            'Category of concern: ' || case inputs.category_of_concern
                when 'SM' then 'special measures'
                when 'SWK' then 'serious weaknesses'
                when 'RSI' then 'requires significant improvement (report card)'
                else 'none'
            end,
            case
                when inputs.risk_flag_count > 0
                    then 'Data risk flags raised (' || inputs.risk_flag_count || '): ' || inputs.raised_explanations
                else 'Data risk flags raised: none' || coalesce(' (' || inputs.other_evaluations || ')', ' (no results to evaluate)')
            end,
            'Adviser capacity judgement: ' || case inputs.capacity_state
                when 'unknown' then 'not yet received (LA adviser returns pending), so capacity is treated as not secure'
                else replace(inputs.capacity_to_improve, '_', ' ')
                    || coalesce(' (judged ' || strftime(inputs.capacity_judged_on, '%Y-%m-%d') || ')', '')
            end
        ) as reasons
    from inputs
    left join matched
        on matched.urn = inputs.urn

),

-- LA category overrides win over the rules; the reasons end with who approved the override, when and why.
explained as (

    select
        explained_by_rules.* replace (
            coalesce(category_overrides.support_category, explained_by_rules.support_category) as support_category,
            case
                when category_overrides.urn is null then explained_by_rules.reasons
                else concat_ws(
                    '; ',
                    explained_by_rules.reasons,
                    'Category override: ' || category_overrides.support_category
                    || ' instead of ' || coalesce(explained_by_rules.support_category, 'no category')
                    || ', approved by ' || category_overrides.approved_by
                    || ' on ' || strftime(category_overrides.decided_on, '%Y-%m-%d')
                    || ': ' || category_overrides.rationale
                )
            end as reasons
        )
    from explained_by_rules
    left join category_overrides
        on category_overrides.urn = explained_by_rules.urn

),

final as (

    select
        explained.urn,
        explained.la_code,
        explained.governance,
        explained.is_maintained,
        explained.is_academy,
        explained.phase,
        case
            when explained.rule_code is null then 'no rule matched'
            when explained.support_category is null then 'excluded'
            else 'categorised'
        end as categorisation_status,
        explained.support_category,
        support_categories.category_name,
        support_categories.category_rank,
        support_categories.min_contacts_per_year,
        support_categories.min_contacts_per_term,
        support_categories.is_causing_concern,
        case when explained.support_category is null then explained.reason_text end as exclusion_reason,
        explained.rule_code,
        explained.rule_version,
        explained.rule_effective_from,
        explained.ofsted_outcome_state,
        explained.overall_effectiveness_grade,
        explained.overall_effectiveness_label,
        explained.category_of_concern,
        explained.inspection_start_date,
        explained.publication_date as inspection_publication_date,
        coalesce(explained.is_inherited_from_predecessor, false) as is_ofsted_inherited_from_predecessor,
        explained.inspected_urn,
        explained.risk_flag_count,
        explained.risk_flags,
        explained.capacity_to_improve,
        explained.capacity_state,
        explained.reasons,
        {{ as_of_date }} as categorised_as_at
    from explained
    left join support_categories
        on support_categories.support_category = explained.support_category

)

select * from final
