{#- The regional tiered support offer (seed support_tier_rules): Tier 1, 2 or 3 from the school's graded
    inspections, following the GIAS predecessor chain. -#}
{%- set as_of_date = "cast('" ~ var('report_date') ~ "' as date)" if var('report_date') else 'current_date' -%}

with

schools as (

    select * from {{ ref('dim_school') }}
    where is_la_school
        and governance in ('maintained', 'academy')

),

history as (

    select * from {{ ref('int_school_inspection_history') }}
    where overall_effectiveness_grade is not null

),

-- The rule set in force on the as-of date (the most recently effective version when several overlap).
rules as (

    select *
    from {{ ref('support_tier_rules') }}
    where effective_from <= {{ as_of_date }}
        and (effective_to is null or effective_to > {{ as_of_date }})
    qualify rule_version = first_value(rule_version) over (order by effective_from desc, rule_version desc)

),

-- Graded judgements newest first; a run of RI judgements ends at the first judgement that is not RI.
ordered as (

    select
        history.*,
        row_number() over (
            partition by history.urn
            order by history.inspection_start_date desc, history.publication_date desc, history.inspection_number desc
        ) as recency,
        grade_labels.grade_label
    from history
    left join {{ ref('ofsted_grades') }} as grade_labels
        on grade_labels.overall_effectiveness_grade = history.overall_effectiveness_grade

),

runs as (

    select
        *,
        sum(case when overall_effectiveness_grade <> 3 then 1 else 0 end) over (
            partition by urn order by recency rows between unbounded preceding and current row
        ) as non_ri_seen
    from ordered

),

summary as (

    select
        urn,
        max(case when recency = 1 then overall_effectiveness_grade end) as current_grade,
        max(case when recency = 1 then inspection_start_date end) as current_inspection_date,
        cast(count(*) as integer) as graded_inspection_count,
        cast(count(*) filter (where non_ri_seen = 0) as integer) as consecutive_ri_count,
        string_agg(
            strftime(inspection_start_date, '%Y-%m-%d') || ' ' || grade_label
            || case when is_inherited_from_predecessor then ' (predecessor URN ' || inspected_urn || ')' else '' end,
            ', ' order by recency
        ) as graded_history
    from runs
    group by urn

),

inputs as (

    select
        schools.urn,
        schools.la_code,
        schools.governance,
        summary.current_grade,
        summary.current_inspection_date,
        coalesce(summary.graded_inspection_count, 0) as graded_inspection_count,
        coalesce(summary.consecutive_ri_count, 0) as consecutive_ri_count,
        summary.graded_history
    from schools
    left join summary
        on summary.urn = schools.urn

),

-- Per rule: graded inspections since the rule's history date and the best (lowest) grade among them.
since_counts as (

    select
        inputs.urn,
        rules.rule_order,
        cast(count(ordered.urn) as integer) as inspections_since,
        min(ordered.overall_effectiveness_grade) as best_grade_since
    from inputs
    cross join rules
    left join ordered
        on ordered.urn = inputs.urn
        and ordered.inspection_start_date >= rules.history_since_date
    where rules.history_since_date is not null
    group by inputs.urn, rules.rule_order

),

matched as (

    select
        inputs.urn,
        rules.rule_version,
        rules.rule_code,
        rules.tier,
        rules.eligibility_wording,
        since_counts.inspections_since,
        since_counts.best_grade_since
    from inputs
    inner join rules
        on inputs.current_grade = rules.current_grade_condition
        and (rules.min_consecutive_ri is null or inputs.consecutive_ri_count >= rules.min_consecutive_ri)
        and (not rules.requires_no_previous_rating or inputs.graded_inspection_count = 1)
    left join since_counts
        on since_counts.urn = inputs.urn
        and since_counts.rule_order = rules.rule_order
    where rules.history_since_date is null
        or (
            since_counts.inspections_since >= rules.min_inspections_since
            and since_counts.best_grade_since >= rules.max_grade_since
        )
    qualify row_number() over (partition by inputs.urn order by rules.rule_order) = 1

),

final as (

    select
        inputs.urn,
        cast(inputs.la_code as integer) as la_code,
        inputs.governance,
        cast(matched.tier as integer) as support_tier,
        case when matched.tier is null then 'not eligible' else 'tier ' || matched.tier end as support_tier_status,
        matched.rule_code,
        coalesce(matched.rule_version, (select max(rule_version) from rules)) as rule_version,
        cast(inputs.current_grade as integer) as current_grade,
        inputs.current_inspection_date,
        cast(inputs.graded_inspection_count as integer) as graded_inspection_count,
        cast(inputs.consecutive_ri_count as integer) as consecutive_ri_count,
        concat_ws(
            '; ',
            case
                when matched.tier is not null then 'Tier ' || matched.tier || ' (' || matched.rule_code || '): ' || matched.eligibility_wording
                when inputs.current_grade is null then 'Not eligible: no graded inspection of the school or its predecessors'
                else 'Not eligible: the latest graded judgement is not requires improvement'
            end,
            'Graded judgements, latest first: ' || coalesce(inputs.graded_history, 'none'),
            'Consecutive RI judgements: ' || inputs.consecutive_ri_count,
            case when matched.inspections_since is not null then
                matched.inspections_since || ' graded inspections since 2005, none above RI' end
        ) as reasons
    from inputs
    left join matched
        on matched.urn = inputs.urn

)

select * from final
