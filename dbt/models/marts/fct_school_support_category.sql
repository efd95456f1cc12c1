{#- The support category of Table One for each open LA school, from the rule set in force on the report date
    (seed categorisation_rules): the current Ofsted outcome in any regime, the data risk flags, the adviser's capacity
    judgement and main concern, and category overrides. The reasons say every input in words; an input that is
    missing says so rather than dropping out of the sentence. -#}
with

schools as (

    select * from {{ ref('dim_school') }}
    where is_la_service_school
        and is_open

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

report_date as (

    select * from {{ ref('int_report_date') }}

),

-- The rule set in force on the report date (the most recently effective version when several overlap).
rules_effective as (

    select categorisation_rules.*
    from {{ ref('categorisation_rules') }} as categorisation_rules
    cross join report_date
    where categorisation_rules.effective_from <= report_date.report_date
        and (categorisation_rules.effective_to is null or categorisation_rules.effective_to > report_date.report_date)

),

rules as (

    {{ keep_rows('rules_effective',
        'rule_version = first_value(rule_version) over (order by effective_from desc, rule_version desc)') }}

),

flag_summary as (

    select
        urn,
        count(*) filter (where is_raised) as risk_flag_count,
        count(*) filter (where flag_status = 'not evaluated') as flags_not_evaluated,
        count(*) as flags_considered,
        string_agg(flag_code, ', ' order by flag_code) filter (where is_raised) as risk_flags,
        string_agg(flag_explanation, '; ' order by flag_code) filter (where is_raised) as raised_explanations,
        string_agg(flag_explanation, '; ' order by flag_code) filter (where flag_status = 'not evaluated')
            as not_evaluated_explanations,
        max(academic_year) as latest_results_year
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
        latest_ofsted.ofsted_outcome_state_label,
        latest_ofsted.current_outcome_summary,
        latest_ofsted.overall_effectiveness_grade,
        latest_ofsted.overall_effectiveness_label,
        latest_ofsted.category_of_concern,
        latest_ofsted.inspection_number,
        latest_ofsted.inspection_start_date,
        latest_ofsted.publication_date,
        latest_ofsted.judgement_inspection_number,
        latest_ofsted.latest_outcome_label,
        latest_ofsted.is_inherited_from_predecessor,
        latest_ofsted.inspected_urn,
        cast(coalesce(flag_summary.risk_flag_count, 0) as integer) as risk_flag_count,
        cast(coalesce(flag_summary.flags_not_evaluated, 0) as integer) as risk_flags_not_evaluated,
        flag_summary.flags_considered,
        flag_summary.risk_flags,
        flag_summary.raised_explanations,
        flag_summary.not_evaluated_explanations,
        flag_summary.latest_results_year,
        capacity_judgements.capacity_to_improve,
        capacity_judgements.judged_on as capacity_judged_on,
        capacity_judgements.main_concern as adviser_main_concern,
        capacity_judgements.main_concern_words as adviser_main_concern_words,
        case
            when capacity_judgements.capacity_to_improve = 'secure' then 'secure'
            when capacity_judgements.capacity_to_improve = 'not_secure' then 'not_secure'
            else 'unknown'
        end as capacity_state,
        case
            when capacity_judgements.urn is null then 'unknown'
            when capacity_judgements.has_adviser_concern then 'yes'
            else 'no'
        end as adviser_concern_state
    from schools
    left join latest_ofsted
        on latest_ofsted.urn = schools.urn
    left join flag_summary
        on flag_summary.urn = schools.urn
    left join capacity_judgements
        on capacity_judgements.urn = schools.urn

),

-- Ordered first-match: the lowest rule_order whose every condition holds ('*' matches anything).
matching_rules as (

    select
        inputs.urn,
        rules.rule_version,
        rules.effective_from as rule_effective_from,
        rules.rule_code,
        rules.support_category,
        rules.reason_text,
        rules.rule_order
    from inputs
    inner join rules
        on rules.governance_condition in ('*', inputs.governance)
        and rules.ofsted_state_condition in ('*', inputs.ofsted_outcome_state)
        and rules.has_risk_flags_condition in ('*', case when inputs.risk_flag_count > 0 then 'yes' else 'no' end)
        and rules.capacity_condition in ('*', inputs.capacity_state)
        and rules.adviser_concern_condition in ('*', inputs.adviser_concern_state)

),

matched as (

    {{ keep_rows('matching_rules', 'row_number() over (partition by urn order by rule_order) = 1') }}

),

-- Every part is worded even when its input is missing, so a reason never loses a part silently.
explained_by_rules as (

    select
        inputs.*,
        matched.rule_version,
        matched.rule_effective_from,
        matched.rule_code,
        matched.support_category,
        matched.reason_text,
        concat_ws(
            ' ',
            coalesce(
                'Table One: ' || rule_category.category_name || '. ' || matched.reason_text || '.',
                case when matched.urn is not null then 'Not categorised: ' || matched.reason_text || '.' end,
                'No categorisation rule in force on the report date matches this school.'
            ),
            'Ofsted: ' || coalesce(inputs.current_outcome_summary, 'no inspection found') || '.',
            'Category of concern: ' || case inputs.category_of_concern
                when 'SM' then 'special measures'
                when 'SWK' then 'serious weaknesses'
                when 'RSI' then 'requires significant improvement (report card)'
                else 'none'
            end || '.',
            'Data risk flags: ' || case
                when inputs.risk_flag_count > 0
                    then inputs.risk_flag_count || ' raised - ' || inputs.raised_explanations
                when inputs.flags_considered is null then 'none raised (no results to evaluate)'
                else 'none raised'
            end
            || case
                when inputs.risk_flags_not_evaluated > 0
                    then '; not evaluated: ' || inputs.not_evaluated_explanations
                else ''
            end || '.',
            'Adviser: ' || case inputs.capacity_state
                when 'unknown' then 'capacity to improve not yet judged (no adviser judgement received), so treated as not secure'
                else 'capacity to improve ' || replace(inputs.capacity_to_improve, '_', ' ')
                    || coalesce(' (judged ' || {{ date_words('inputs.capacity_judged_on') }} || ')', ' (date not recorded)')
                    || coalesce('; main concern: ' || inputs.adviser_main_concern_words, '; no main concern flagged')
            end || '.'
        ) as reasons
    from inputs
    left join matched
        on matched.urn = inputs.urn
    left join support_categories as rule_category
        on rule_category.support_category = matched.support_category

),

-- LA category overrides win over the rules; the reasons end with who approved the override, when and why. The
-- category and reasons after any override are final_support_category and final_reasons (final names them again).
explained as (

    select
        explained_by_rules.*,
        coalesce(category_overrides.support_category, explained_by_rules.support_category) as final_support_category,
        case
            when category_overrides.urn is null then explained_by_rules.reasons
            else explained_by_rules.reasons
                || ' Category override: ' || coalesce(override_category.category_name, category_overrides.support_category)
                || ' instead of ' || coalesce(rule_category.category_name, 'no category')
                || ', approved by ' || coalesce(category_overrides.approved_by, 'approver not recorded')
                || coalesce(' on ' || {{ date_words('category_overrides.decided_on') }}, '')
                || ': ' || coalesce(category_overrides.rationale, 'rationale not recorded') || '.'
        end as final_reasons,
        category_overrides.urn is not null as is_overridden,
        category_overrides.decided_on as override_decided_on
    from explained_by_rules
    left join category_overrides
        on category_overrides.urn = explained_by_rules.urn
    left join support_categories as rule_category
        on rule_category.support_category = explained_by_rules.support_category
    left join support_categories as override_category
        on override_category.support_category = category_overrides.support_category

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
            when explained.rule_code is null and not explained.is_overridden then 'no rule matched'
            when explained.final_support_category is null then 'excluded'
            else 'categorised'
        end as categorisation_status,
        explained.final_support_category as support_category,
        support_categories.category_name,
        support_categories.category_short_name,
        support_categories.category_rank,
        support_categories.min_contacts_per_year,
        support_categories.min_contacts_per_term,
        support_categories.is_causing_concern,
        case when explained.final_support_category is null then explained.reason_text end as exclusion_reason,
        explained.rule_code,
        explained.rule_version,
        explained.rule_effective_from,
        explained.ofsted_outcome_state,
        explained.ofsted_outcome_state_label,
        explained.current_outcome_summary,
        explained.overall_effectiveness_grade,
        explained.overall_effectiveness_label,
        explained.category_of_concern,
        explained.inspection_number as latest_inspection_number,
        explained.judgement_inspection_number,
        explained.latest_outcome_label,
        explained.inspection_start_date,
        explained.publication_date as inspection_publication_date,
        coalesce(explained.is_inherited_from_predecessor, false) as is_ofsted_inherited_from_predecessor,
        explained.inspected_urn,
        explained.risk_flag_count,
        explained.risk_flags_not_evaluated,
        explained.risk_flags,
        explained.raised_explanations as risk_flag_explanations,
        explained.latest_results_year,
        explained.capacity_to_improve,
        explained.capacity_state,
        explained.capacity_judged_on,
        explained.adviser_main_concern,
        explained.adviser_concern_state,
        explained.is_overridden,
        explained.override_decided_on,
        explained.final_reasons as reasons,
        report_date.report_date as categorised_as_at
    from explained
    cross join report_date
    left join support_categories
        on support_categories.support_category = explained.final_support_category

)

select * from final
