{#- What each open LA school (maintained and academies) is entitled to from the service in every reporting term up to
    the report term (seed school_terms, int_report_term), from the rules in seed visit_entitlement_rules: Table One
    contacts for its category (numbers from seed support_categories), the SI4 core visit (SI6 keeping-in-touch visit
    for academies) and the term it falls in, SI12 monitoring meetings, SI9 register reviews, and the regional tier
    offer. The category and the tier are the CURRENT ones (as at the report date): categories per term are not
    recorded in the warehouse yet, so an earlier term is judged by today's category. -#}
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

tier_offers as (

    select * from {{ ref('support_tier_offers') }}

),

support_categories as (

    select * from {{ ref('support_categories') }}

),

report_term as (

    select * from {{ ref('int_report_term') }}

),

terms as (

    select * from {{ ref('school_terms') }}

),

rules as (

    select * from {{ ref('visit_entitlement_rules') }}

),

register_history as (

    select * from {{ ref('stg_returns__causing_concern_register_history') }}

),

terms_per_year as (

    select academic_year, cast(count(*) as integer) as terms_in_year
    from terms
    group by academic_year

),

-- Every term from the first in the seed to the report term, for every school open in it (a school that opened
-- during a term is entitled pro rata from its opening day).
spine as (

    select
        schools.urn,
        schools.la_code,
        schools.school_name,
        schools.governance,
        schools.phase,
        schools.open_date,
        terms.academic_year,
        terms.term_code,
        terms.term_name,
        terms.term_order,
        terms.term_start,
        terms.term_end,
        terms_per_year.terms_in_year,
        report_term.report_date,
        terms.academic_year = report_term.academic_year and terms.term_code = report_term.term_code as is_report_term,
        least(terms.term_end, report_term.report_date) as judged_to,
        greatest(terms.term_start, coalesce(schools.open_date, terms.term_start)) as open_from,
        terms.term_end - terms.term_start + 1 as term_days
    from schools
    cross join terms
    cross join report_term
    inner join terms_per_year
        on terms_per_year.academic_year = terms.academic_year
    where terms.term_start <= report_term.term_start
        and (schools.open_date is null or schools.open_date <= terms.term_end)

),

shares as (

    select
        spine.*,
        case when spine.report_date > spine.term_end then 'ended' else 'current' end as term_status,
        -- Share of the term the school was open (1 unless it opened during the term).
        cast(greatest(0, spine.term_end - spine.open_from + 1) as double precision) / spine.term_days
            as term_share_open,
        -- Share of the term judged: open, and elapsed by the report date (the current term is judged to date).
        cast(greatest(0, spine.judged_to - spine.open_from + 1) as double precision) / spine.term_days
            as term_share_judged
    from spine

),

on_register as (

    select distinct
        shares.urn,
        shares.academic_year,
        shares.term_code
    from shares
    inner join register_history
        on register_history.urn = shares.urn
        and register_history.valid_from <= shares.judged_to
        and (register_history.valid_to is null or register_history.valid_to > shares.open_from)

),

inputs as (

    select
        shares.*,
        categories.categorisation_status,
        categories.support_category,
        categories.category_of_concern,
        categories.ofsted_outcome_state,
        support_categories.category_name,
        support_categories.category_short_name,
        support_categories.frequency_wording,
        support_categories.min_contacts_per_term,
        support_categories.min_contacts_per_year,
        coalesce(support_categories.is_causing_concern, false) as is_causing_concern,
        on_register.urn is not null as is_on_register_in_term
    from shares
    left join categories
        on categories.urn = shares.urn
    left join support_categories
        on support_categories.support_category = categories.support_category
    left join on_register
        on on_register.urn = shares.urn
        and on_register.academic_year = shares.academic_year
        and on_register.term_code = shares.term_code

),

-- The rule set in force on the last day judged of each term (the most recently effective version when several
-- overlap).
rules_in_force as (

    {{ rules_in_force('inputs', 'rules', ['urn', 'academic_year', 'term_code']) }}

),

term_rule_versions as (

    select distinct urn, academic_year, term_code, rule_version
    from rules_in_force

),

-- Ordered first-match per entitlement: the lowest rule_order whose every condition holds.
match_candidates as (

    select
        rules_in_force.*,
        inputs.term_order
    from inputs
    inner join rules_in_force
        on rules_in_force.urn = inputs.urn
        and rules_in_force.academic_year = inputs.academic_year
        and rules_in_force.term_code = inputs.term_code
        and rules_in_force.governance_condition in ('*', inputs.governance)
        and rules_in_force.phase_condition in ('*', inputs.phase)
        and case rules_in_force.school_condition
            when '*' then true
            when 'table_one_termly' then inputs.min_contacts_per_term >= 1
            when 'table_one_yearly' then inputs.min_contacts_per_term < 1
            when 'causing_concern' then inputs.is_causing_concern
            when 'ofsted_inadequate' then inputs.ofsted_outcome_state = 'sm_swk'
            when 'on_register' then inputs.is_on_register_in_term
            else false
        end

),

matched as (

    {{ keep_rows(
        'match_candidates',
        'row_number() over (partition by urn, academic_year, term_code, entitlement_code order by rule_order) = 1'
    ) }}

),

-- The last term of each yearly rule's window in each academic year (SI4 primary: autumn; secondary: summer).
windows as (

    select
        rules.rule_version,
        rules.rule_code,
        terms.academic_year,
        cast(min(terms.term_order) as integer) as window_first_term_order,
        cast(max(terms.term_order) as integer) as window_last_term_order,
        max(terms.term_end) as window_end
    from rules
    inner join terms
        on {{ in_spaced_list('terms.term_code', 'rules.due_terms') }}
    where rules.frequency_per = 'year'
    group by rules.rule_version, rules.rule_code, terms.academic_year

),

table_one as (

    select matched.*
    from matched
    where matched.entitlement_code = 'table_one_contacts'

),

core_visit as (

    select
        matched.*,
        windows.window_first_term_order,
        windows.window_last_term_order,
        windows.window_end
    from matched
    left join windows
        on windows.rule_version = matched.rule_version
        and windows.rule_code = matched.rule_code
        and windows.academic_year = matched.academic_year
    where matched.entitlement_code = 'core_visit'

),

monitoring as (

    select matched.*
    from matched
    where matched.entitlement_code = 'monitoring_meetings'

),

register_reviews as (

    select matched.*
    from matched
    where matched.entitlement_code = 'register_reviews'

),

entitled as (

    select
        inputs.*,
        -- Table One: a termly category is entitled to its per-term minimum each term; a yearly category to its
        -- per-year minimum pro rata over the terms of the academic year it was open in, to the end of this term.
        table_one.rule_code as table_one_rule_code,
        table_one.frequency_per as table_one_basis,
        table_one.counted_visit_types as table_one_visit_types,
        table_one.over_delivery_margin,
        table_one.entitlement_wording as table_one_wording,
        case
            when table_one.frequency_per = 'term' then inputs.min_contacts_per_term * inputs.term_share_open
            when table_one.frequency_per = 'year' then inputs.min_contacts_per_year
                * sum(inputs.term_share_open) over year_to_date / inputs.terms_in_year
        end as contacts_entitled,
        case
            when table_one.frequency_per = 'term' then inputs.min_contacts_per_term * inputs.term_share_judged
            when table_one.frequency_per = 'year' then inputs.min_contacts_per_year
                * sum(inputs.term_share_judged) over year_to_date / inputs.terms_in_year
        end as contacts_entitled_to_date,
        -- The core visit (SI4; SI6 keeping-in-touch visit for academies).
        core_visit.rule_code as core_visit_rule_code,
        core_visit.duty as core_visit_duty,
        core_visit.counted_visit_types as core_visit_types,
        core_visit.due_terms as core_visit_due_terms,
        core_visit.max_days_per_contact as core_visit_max_days,
        core_visit.entitlement_wording as core_visit_wording,
        core_visit.window_first_term_order as core_visit_window_first_term_order,
        core_visit.window_last_term_order as core_visit_window_last_term_order,
        core_visit.window_end as core_visit_window_end,
        coalesce({{ in_spaced_list('inputs.term_code', 'core_visit.due_terms') }}, false) as is_core_visit_term,
        -- SI12 monitoring meetings and SI9 register reviews, per term.
        monitoring.rule_code as monitoring_rule_code,
        monitoring.counted_visit_types as monitoring_visit_types,
        monitoring.entitlement_wording as monitoring_wording,
        cast(coalesce(monitoring.contacts_required, 0) as integer) as monitoring_meetings_required,
        register_reviews.rule_code as register_review_rule_code,
        register_reviews.entitlement_wording as register_review_wording,
        cast(coalesce(register_reviews.contacts_required, 0) as integer) as register_reviews_required
    from inputs
    left join table_one
        on table_one.urn = inputs.urn
        and table_one.academic_year = inputs.academic_year
        and table_one.term_code = inputs.term_code
    left join core_visit
        on core_visit.urn = inputs.urn
        and core_visit.academic_year = inputs.academic_year
        and core_visit.term_code = inputs.term_code
    left join monitoring
        on monitoring.urn = inputs.urn
        and monitoring.academic_year = inputs.academic_year
        and monitoring.term_code = inputs.term_code
    left join register_reviews
        on register_reviews.urn = inputs.urn
        and register_reviews.academic_year = inputs.academic_year
        and register_reviews.term_code = inputs.term_code
    window year_to_date as (
        partition by inputs.urn, inputs.academic_year
        order by inputs.term_order
        rows between unbounded preceding and current row
    )

),

final as (

    select
        entitled.urn,
        cast(entitled.la_code as integer) as la_code,
        entitled.school_name,
        entitled.governance,
        entitled.phase,
        entitled.academic_year,
        entitled.term_code,
        entitled.term_name,
        cast(entitled.term_order as integer) as term_order,
        entitled.term_start,
        entitled.term_end,
        entitled.term_status,
        entitled.terms_in_year,
        entitled.is_report_term,
        entitled.report_date,
        entitled.judged_to,
        entitled.open_from,
        cast(entitled.term_share_open as double precision) as term_share_open,
        cast(entitled.term_share_judged as double precision) as term_share_judged,
        term_rule_versions.rule_version,
        entitled.categorisation_status,
        entitled.support_category,
        entitled.category_name,
        entitled.category_short_name,
        entitled.frequency_wording,
        entitled.is_causing_concern,
        entitled.category_of_concern,
        entitled.ofsted_outcome_state,
        entitled.min_contacts_per_term as table_one_contacts_per_term,
        entitled.min_contacts_per_year as table_one_contacts_per_year,
        entitled.table_one_rule_code,
        entitled.table_one_basis,
        entitled.table_one_visit_types,
        entitled.table_one_wording,
        cast(entitled.contacts_entitled as double precision) as contacts_entitled,
        -- Whole contacts due by the last day judged (rounded down; the small tolerance keeps 2 x 3 / 3 at 2).
        cast(floor(entitled.contacts_entitled_to_date + 1e-9) as integer) as contacts_due_to_date,
        cast(entitled.over_delivery_margin as integer) as over_delivery_margin,
        entitled.core_visit_rule_code,
        entitled.core_visit_duty,
        entitled.core_visit_types,
        entitled.core_visit_due_terms,
        entitled.core_visit_max_days,
        entitled.core_visit_wording,
        entitled.is_core_visit_term,
        -- The year's core visit is due when the school is open before its window closes (a primary that opened
        -- in January has no autumn visit to have that year).
        entitled.core_visit_rule_code is not null
            and (entitled.open_date is null or entitled.open_date <= entitled.core_visit_window_end)
            as is_core_visit_due_this_year,
        cast(entitled.core_visit_window_first_term_order as integer) as core_visit_window_first_term_order,
        cast(entitled.core_visit_window_last_term_order as integer) as core_visit_window_last_term_order,
        entitled.core_visit_window_end,
        coalesce(entitled.term_order >= entitled.core_visit_window_last_term_order, false) as is_core_visit_judged,
        entitled.monitoring_rule_code,
        entitled.monitoring_visit_types,
        entitled.monitoring_wording,
        entitled.monitoring_meetings_required,
        cast(floor(entitled.monitoring_meetings_required * entitled.term_share_judged + 1e-9) as integer)
            as monitoring_meetings_due_to_date,
        entitled.is_on_register_in_term,
        entitled.register_review_rule_code,
        entitled.register_review_wording,
        entitled.register_reviews_required,
        cast(floor(entitled.register_reviews_required * entitled.term_share_judged + 1e-9) as integer)
            as register_reviews_due_to_date,
        tiers.support_tier,
        tiers.support_tier_status,
        tier_offers.offer_wording as tier_offer_wording,
        tier_offers.nle_support_days_max as tier_support_days_max,
        tier_offers.grant_max_gbp as tier_grant_max_gbp
    from entitled
    left join tiers
        on tiers.urn = entitled.urn
    left join tier_offers
        on tier_offers.tier = tiers.support_tier
        and tier_offers.rule_version = tiers.rule_version
    left join term_rule_versions
        on term_rule_versions.urn = entitled.urn
        and term_rule_versions.academic_year = entitled.academic_year
        and term_rule_versions.term_code = entitled.term_code

)

select * from final
