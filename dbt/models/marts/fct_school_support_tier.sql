{#- The regional tiered support offer (seed support_tier_rules) for each LA school: the tier whose criteria the
    school meets from its judgements in any regime (int_ofsted_inspection_outcomes: every inspection that set an
    outcome, the school's and its GIAS predecessors'), and whether that tier's rule is in force on the report date
    (Tier 1 was paused in September 2020). -#}
with

schools as (

    select * from {{ ref('dim_school') }}
    where is_la_service_school

),

-- Judgements: inspections that set the outcome (an ungraded inspection confirming one is not a new judgement).
judgements as (

    select * from {{ ref('int_ofsted_inspection_outcomes') }}
    where bears_judgement

),

current_outcome as (

    select * from {{ ref('int_latest_ofsted_inspection') }}

),

states as (

    select * from {{ ref('ofsted_outcome_states') }}

),

report_date as (

    select * from {{ ref('int_report_date') }}

),

-- The offer version in force on the report date; each of its rules carries its own dates (Tier 1 paused).
rules_effective as (

    select
        support_tier_rules.*,
        support_tier_rules.effective_to is null or support_tier_rules.effective_to > report_date.report_date as is_in_force
    from {{ ref('support_tier_rules') }} as support_tier_rules
    cross join report_date
    where support_tier_rules.effective_from <= report_date.report_date

),

rules as (

    {{ keep_rows('rules_effective',
        'rule_version = first_value(rule_version) over (order by effective_from desc, rule_version desc)') }}

),

-- The offer in force (none before the first offer's effective_from: the LA's own older data has no tiers).
offer as (

    select
        (select max(rule_version) from rules) as rule_version,
        (select min(effective_from) from {{ ref('support_tier_rules') }}) as first_effective_from

),

-- Judgements newest first; a run of RI judgements ends at the first judgement that is not RI.
ordered as (

    select
        judgements.*,
        states.state_rank,
        row_number() over (
            partition by judgements.urn
            order by judgements.inspection_start_date desc nulls last, judgements.publication_date desc nulls last,
                judgements.inspection_number desc nulls last
        ) as recency
    from judgements
    left join states
        on states.outcome_state = judgements.outcome_state

),

runs as (

    select
        *,
        sum(case when outcome_state <> 'requires_improvement' then 1 else 0 end) over (
            partition by urn order by recency rows between unbounded preceding and current row
        ) as non_ri_seen
    from ordered

),

summary as (

    select
        urn,
        cast(count(*) as integer) as judgement_count,
        cast(count(*) filter (where non_ri_seen = 0) as integer) as consecutive_ri_count,
        string_agg(
            {{ date_words('inspection_start_date') }} || ': ' || outcome_label
            || case when is_inherited_from_predecessor then ' (predecessor school URN ' || inspected_urn || ')' else '' end,
            '; ' order by recency
        ) as judgement_history
    from runs
    group by urn

),

inputs as (

    select
        schools.urn,
        schools.la_code,
        schools.governance,
        current_outcome.outcome_state as current_outcome_state,
        current_outcome.outcome_state_label as current_outcome_state_label,
        current_outcome.judgement_start_date as current_judgement_date,
        coalesce(summary.judgement_count, 0) as judgement_count,
        coalesce(summary.consecutive_ri_count, 0) as consecutive_ri_count,
        summary.judgement_history
    from schools
    left join current_outcome
        on current_outcome.urn = schools.urn
    left join summary
        on summary.urn = schools.urn

),

-- Per rule: judgements since the rule's history date and the best (lowest-ranked) outcome among them.
since_counts as (

    select
        inputs.urn,
        rules.rule_order,
        cast(count(ordered.urn) as integer) as inspections_since,
        min(ordered.state_rank) as best_rank_since
    from inputs
    cross join rules
    left join ordered
        on ordered.urn = inputs.urn
        and ordered.inspection_start_date >= rules.history_since_date
    where rules.history_since_date is not null
    group by inputs.urn, rules.rule_order

),

-- The first rule whose criteria the school meets, in force or not: a school meeting a paused tier's criteria is
-- never moved to another tier.
criteria_met as (

    select
        inputs.urn,
        rules.rule_order,
        rules.rule_version,
        rules.rule_code,
        rules.tier,
        rules.is_in_force,
        rules.effective_to,
        rules.eligibility_wording,
        rules.status_when_not_in_force,
        rules.history_since_date,
        since_counts.inspections_since
    from inputs
    inner join rules
        on inputs.current_outcome_state = rules.current_outcome_condition
        and (rules.min_consecutive_ri is null or inputs.consecutive_ri_count >= rules.min_consecutive_ri)
        and (not rules.requires_no_previous_rating or inputs.judgement_count = 1)
    left join since_counts
        on since_counts.urn = inputs.urn
        and since_counts.rule_order = rules.rule_order
    left join states as best_allowed
        on best_allowed.outcome_state = rules.best_outcome_since
    where rules.history_since_date is null
        or (
            since_counts.inspections_since >= rules.min_inspections_since
            and since_counts.best_rank_since >= best_allowed.state_rank
        )

),

matched as (

    {{ keep_rows('criteria_met', 'row_number() over (partition by urn order by rule_order) = 1') }}

),

final as (

    select
        inputs.urn,
        cast(inputs.la_code as integer) as la_code,
        inputs.governance,
        cast(case when matched.is_in_force then matched.tier end as integer) as support_tier,
        case
            when offer.rule_version is null then 'no offer in force'
            when matched.tier is null then 'not eligible'
            when matched.is_in_force then 'tier ' || matched.tier
            else 'tier ' || matched.tier || ' (paused)'
        end as support_tier_status,
        cast(matched.tier as integer) as criteria_tier,
        coalesce(matched.is_in_force, false) as is_tier_in_force,
        matched.rule_code,
        coalesce(matched.rule_version, offer.rule_version) as rule_version,
        inputs.current_outcome_state,
        inputs.current_judgement_date,
        cast(inputs.judgement_count as integer) as judgement_count,
        cast(inputs.consecutive_ri_count as integer) as consecutive_ri_count,
        concat_ws(
            ' ',
            case
                when offer.rule_version is null
                    then 'No regional tiered support offer was in force on the report date (the first starts '
                        || {{ date_words('offer.first_effective_from') }} || ').'
                when matched.tier is not null and matched.is_in_force
                    then 'Tier ' || matched.tier || ': ' || matched.eligibility_wording || '.'
                when matched.tier is not null
                    then 'Meets the Tier ' || matched.tier || ' criteria (' || matched.eligibility_wording || '), but '
                        || coalesce(matched.status_when_not_in_force, 'that tier is not in force on the report date') || '.'
                when inputs.current_outcome_state is null then 'Not eligible: no inspection of the school or its predecessors.'
                else 'Not eligible: the current Ofsted outcome is ' || inputs.current_outcome_state_label
                    || ', not requires improvement.'
            end,
            'Judgements, latest first: ' || coalesce(inputs.judgement_history, 'none') || '.',
            'Consecutive requires-improvement judgements: ' || inputs.consecutive_ri_count || '.',
            case when matched.inspections_since is not null then
                matched.inspections_since || ' judgements since ' || {{ date_words('matched.history_since_date') }}
                    || ', none above requires improvement.' end
        ) as reasons
    from inputs
    cross join offer
    left join matched
        on matched.urn = inputs.urn

)

select * from final
