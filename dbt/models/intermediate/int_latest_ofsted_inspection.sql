{#- ONE current Ofsted outcome per school, whatever the regime: the school's latest inspection of any kind (its own;
    its nearest predecessor's when it has none), the outcome state in force after it (int_ofsted_inspection_outcomes,
    rules of seed ofsted_outcome_rules) and the inspection whose judgement that is. The category, the tier,
    intervention identification, the LA headline, every report and every booklet read the outcome from here. -#}
with

outcomes as (

    select * from {{ ref('int_ofsted_inspection_outcomes') }}

),

states as (

    select * from {{ ref('ofsted_outcome_states') }}

),

grades as (

    select * from {{ ref('ofsted_grades') }}

),

history as (

    select * from {{ ref('int_school_inspection_history') }}

),

chain_counts as (

    select
        urn,
        count(*) as chain_inspection_count,
        max(ofsted_as_at_date) as ofsted_as_at_date
    from history
    group by urn

),

-- The latest inspection: the school's own first (generations_back 0), newest first.
latest as (

    {{ keep_rows('outcomes', "row_number() over (
        partition by urn
        order by generations_back, inspection_start_date desc nulls last, publication_date desc nulls last,
            inspection_number desc nulls last
    ) = 1") }}

),

final as (

    select
        latest.urn,
        latest.inspected_urn,
        latest.generations_back,
        latest.is_inherited_from_predecessor,
        latest.inspection_number,
        latest.inspection_type,
        latest.inspection_start_date,
        latest.publication_date,
        latest.inspection_regime,
        latest.outcome_label,
        latest.bears_judgement,
        latest.outcome_rule_wording as latest_rule_wording,
        latest.outcome_state,
        states.state_label as outcome_state_label,
        coalesce(states.is_good_or_outstanding, false) as is_good_or_outstanding,
        coalesce(states.is_below_good, false) as is_below_good,
        judgement.inspection_number as judgement_inspection_number,
        judgement.inspection_type as judgement_inspection_type,
        judgement.inspection_start_date as judgement_start_date,
        judgement.publication_date as judgement_publication_date,
        judgement.inspection_regime as judgement_regime,
        judgement.inspected_urn as judgement_inspected_urn,
        judgement.outcome_label as judgement_outcome_label,
        judgement.outcome_rule_version,
        judgement.outcome_rule_code,
        judgement.outcome_rule_wording,
        judgement.overall_effectiveness_grade,
        grades.grade_label as overall_effectiveness_label,
        judgement.category_of_concern,
        judgement.previous_outcome_label,
        judgement.previous_outcome_state,
        cast(chain_counts.chain_inspection_count as integer) as chain_inspection_count,
        chain_counts.ofsted_as_at_date
    from latest
    left join outcomes as judgement
        on judgement.urn = latest.urn
        and judgement.inspection_number = latest.judgement_inspection_number
    left join states
        on states.outcome_state = latest.outcome_state
    left join grades
        on grades.overall_effectiveness_grade = judgement.overall_effectiveness_grade
    left join chain_counts
        on chain_counts.urn = latest.urn

)

select * from final
