{#- RESTRICTED: entitlement against delivery for every open LA school in the report term, as the service plan
    report shows it: the school, its category and what it is entitled to, what was delivered by type, each flag with
    its reason in words, the regional tier offer and the school's link adviser. -#}
with

delivery as (

    select * from {{ ref('fct_school_term_delivery') }}
    where is_report_term

),

groupings as (

    select * from {{ ref('stg_returns__groupings') }}

),

final as (

    select
        delivery.urn,
        delivery.school_name,
        delivery.phase,
        delivery.governance,
        delivery.category_name,
        delivery.category_short_name,
        delivery.term_name as report_term,
        delivery.report_date,
        delivery.judgement_status,
        delivery.table_one_basis,
        delivery.table_one_contacts_per_term,
        delivery.table_one_contacts_per_year,
        delivery.contacts_entitled,
        delivery.contacts_due_to_date,
        delivery.core_visits,
        delivery.additional_visits,
        delivery.monitoring_meetings,
        delivery.total_contacts,
        delivery.contacts_counted,
        delivery.under_delivered,
        delivery.under_delivery_reason,
        delivery.over_delivered,
        delivery.over_delivery_reason,
        delivery.core_visit_duty,
        delivery.core_visit_due_terms,
        delivery.core_visit_held_on,
        delivery.core_visit_missing,
        delivery.core_visit_reason,
        delivery.monitoring_meetings_required,
        delivery.monitoring_meetings_held,
        delivery.monitoring_meetings_missing,
        delivery.monitoring_meetings_reason,
        delivery.register_reviews_required,
        delivery.register_reviews_held,
        delivery.register_reviews_missing,
        delivery.register_reviews_reason,
        delivery.flags_raised,
        delivery.support_tier_status,
        delivery.tier_offer_wording,
        delivery.tier_support_days_max,
        delivery.tier_grant_max_gbp,
        groupings.link_adviser,
        delivery.rule_version
    from delivery
    left join groupings
        on groupings.urn = delivery.urn

)

select * from final
