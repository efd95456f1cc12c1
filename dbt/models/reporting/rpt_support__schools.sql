{#- RESTRICTED: the named support decisions for every open LA school - support category and visits, tier of the
    regional offer, intervention identification and years below the floor - each with its reasons in words, as the
    restricted support lists show them beside each other. -#}
with

schools as (

    select * from {{ ref('dim_school') }}
    where is_la_service_school
        and is_open

),

categories as (

    select * from {{ ref('fct_school_support_category') }}

),

tiers as (

    select * from {{ ref('fct_school_support_tier') }}

),

intervention as (

    select * from {{ ref('fct_school_intervention') }}

),

final as (

    select
        schools.urn,
        schools.school_name,
        schools.phase,
        schools.governance,
        categories.categorisation_status,
        categories.support_category,
        categories.category_name,
        categories.category_short_name,
        categories.category_rank,
        categories.min_contacts_per_year,
        categories.min_contacts_per_term,
        categories.is_causing_concern,
        categories.current_outcome_summary,
        categories.reasons as category_reasons,
        categories.exclusion_reason,
        categories.rule_version as category_rule_version,
        categories.categorised_as_at,
        tiers.support_tier,
        tiers.support_tier_status,
        tiers.reasons as tier_reasons,
        intervention.is_identified_for_intervention,
        intervention.intervention_reasons,
        cast(intervention.ks2_years_below_floor as integer) as ks2_years_below_floor,
        cast(intervention.ks4_years_below_floor as integer) as ks4_years_below_floor,
        cast(intervention.years_below_floor as integer) as years_below_floor,
        concat_ws('; ',
            case when intervention.ks2_years_below_list is not null then 'KS2 ' || intervention.ks2_years_below_list end,
            case when intervention.ks4_years_below_list is not null then 'KS4 ' || intervention.ks4_years_below_list end
        ) as years_below_floor_list
    from schools
    left join categories
        on categories.urn = schools.urn
    left join tiers
        on tiers.urn = schools.urn
    left join intervention
        on intervention.urn = schools.urn

)

select * from final
