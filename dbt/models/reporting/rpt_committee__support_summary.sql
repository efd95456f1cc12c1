{#- Committee report: how many open LA schools are in each tier of the regional offer and meet each intervention
    criterion (counts only: the named lists are restricted). Every tier and criterion is listed, with zero when
    empty, and a paused tier or a criterion not applied on the report date says so. -#}
with

schools as (

    select * from {{ ref('dim_school') }}
    where is_la_service_school
        and is_open

),

tiers as (

    select * from {{ ref('fct_school_support_tier') }}

),

intervention as (

    select * from {{ ref('fct_school_intervention') }}

),

report_date as (

    select * from {{ ref('int_report_date') }}

),

tier_rules_effective as (

    select
        support_tier_rules.*,
        support_tier_rules.effective_to is null or support_tier_rules.effective_to > report_date.report_date as is_in_force
    from {{ ref('support_tier_rules') }} as support_tier_rules
    cross join report_date
    where support_tier_rules.effective_from <= report_date.report_date

),

-- The latest version effective on the report date.
tier_rules as (

    {{ keep_rows('tier_rules_effective', 'rule_version
        = first_value(rule_version) over (order by effective_from desc, rule_version desc nulls last)') }}

),

criteria as (

    select
        intervention_criteria.*,
        intervention_criteria.effective_from <= report_date.report_date
            and (intervention_criteria.effective_to is null or intervention_criteria.effective_to > report_date.report_date)
            as is_in_force
    from {{ ref('intervention_criteria') }} as intervention_criteria
    cross join report_date

),

tier_items as (

    select
        tier,
        bool_and(is_in_force) as is_in_force,
        string_agg(eligibility_wording, '; or ' order by rule_order) as eligibility_wording,
        max(status_when_not_in_force) as status_when_not_in_force
    from tier_rules
    group by tier

),

tier_rows as (

    select
        'tier' as summary_group,
        'Regional tiered support offer' as group_title,
        4 - tier_items.tier as item_order,
        'Tier ' || tier_items.tier || case when tier_items.is_in_force then '' else ' (paused)' end as item,
        count(tiers.urn) as school_count,
        case
            when tier_items.is_in_force then tier_items.eligibility_wording
            else 'Schools meeting the criteria (' || tier_items.eligibility_wording || '); '
                || coalesce(tier_items.status_when_not_in_force, 'not in force on the report date')
        end as note
    from tier_items
    left join tiers
        on tiers.criteria_tier = tier_items.tier
        and tiers.urn in (select urn from schools)
    group by tier_items.tier, tier_items.is_in_force, tier_items.eligibility_wording, tier_items.status_when_not_in_force

),

criterion_rows as (

    select
        'intervention' as summary_group,
        'Intervention identification' as group_title,
        criteria.criterion_order as item_order,
        upper(left(criteria.criterion_wording, 1)) || substr(criteria.criterion_wording, 2) as item,
        case when criteria.is_in_force then count(intervention.urn) end as school_count,
        case when not criteria.is_in_force then 'Not applied on the report date' end as note
    from criteria
    left join intervention
        -- criteria met is a ', '-separated list of codes: the code is one of them
        on position(', ' || criteria.criterion_code || ', ' in ', ' || intervention.intervention_criteria_met || ', ') > 0
        and intervention.is_identified_for_intervention
        and intervention.urn in (select urn from schools)
    group by criteria.criterion_order, criteria.criterion_wording, criteria.is_in_force

),

identified_row as (

    select
        'intervention' as summary_group,
        'Intervention identification' as group_title,
        999 as item_order,
        'Identified for intervention support (any criterion)' as item,
        count(*) filter (where intervention.is_identified_for_intervention) as school_count,
        'A school meeting several criteria is counted once' as note
    from intervention
    where intervention.urn in (select urn from schools)

),

final as (

    select
        summary_group,
        group_title,
        cast(item_order as integer) as item_order,
        item,
        cast(school_count as integer) as school_count,
        note
    from tier_rows
    union all
    select summary_group, group_title, cast(item_order as integer), item, cast(school_count as integer), note
    from criterion_rows
    union all
    select summary_group, group_title, cast(item_order as integer), item, cast(school_count as integer), note
    from identified_row

)

select * from final
