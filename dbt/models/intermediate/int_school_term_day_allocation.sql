{#- Adviser days planned for each open LA school (maintained and academies) in every reporting term up to the report
    term, from the LA service model's allocation rules (seed service_day_allocations): its equal share of its
    partnership's days (set by the partnership's size), days of its own (a half-day visit outside a partnership; a
    special school's or PRU's allocation) and the extra days of a school causing concern. A rule's yearly days are
    planned evenly over its terms, pro rata to the share of the term the school was open. -#}
with

schools_terms as (

    select * from {{ ref('int_school_term_entitlement') }}

),

-- Each school's district, partnership and link adviser in force on the term's last day judged, from the history of
-- the groupings return, so a school that moved partnership counts under each in turn. Terms before the first return
-- take the school's first recorded groupings (the service existed before the warehouse received the return).
grouping_spells as (

    select
        urn,
        grouping_type,
        grouping_name,
        valid_from,
        valid_to,
        valid_from = min(valid_from) over (partition by urn, grouping_type) as is_first_spell
    from {{ ref('int_school_grouping_history') }}
    where grouping_type in ('district', 'partnership', 'link_adviser')

),

school_term_groupings as (

    select
        schools_terms.urn,
        schools_terms.academic_year,
        schools_terms.term_code,
        max(grouping_spells.grouping_name) filter (where grouping_spells.grouping_type = 'district') as district,
        max(grouping_spells.grouping_name) filter (where grouping_spells.grouping_type = 'partnership') as partnership,
        max(grouping_spells.grouping_name) filter (where grouping_spells.grouping_type = 'link_adviser')
            as link_adviser
    from schools_terms
    inner join grouping_spells
        on grouping_spells.urn = schools_terms.urn
        and (grouping_spells.valid_from <= schools_terms.judged_to or grouping_spells.is_first_spell)
        and (grouping_spells.valid_to is null or grouping_spells.valid_to > schools_terms.judged_to)
    group by schools_terms.urn, schools_terms.academic_year, schools_terms.term_code

),

rules as (

    select * from {{ ref('service_day_allocations') }}

),

-- A partnership's size in a term is the number of schools it holds on that term's last day judged.
partnership_sizes as (

    select
        academic_year,
        term_code,
        partnership,
        cast(count(distinct urn) as integer) as partnership_size
    from school_term_groupings
    where partnership is not null
    group by academic_year, term_code, partnership

),

inputs as (

    select
        schools_terms.urn,
        schools_terms.la_code,
        schools_terms.school_name,
        schools_terms.governance,
        schools_terms.phase,
        schools_terms.academic_year,
        schools_terms.term_code,
        schools_terms.term_name,
        schools_terms.term_order,
        schools_terms.term_start,
        schools_terms.term_end,
        schools_terms.is_report_term,
        schools_terms.judged_to,
        schools_terms.term_share_open,
        schools_terms.term_share_judged,
        schools_terms.is_causing_concern,
        school_term_groupings.district,
        school_term_groupings.partnership,
        school_term_groupings.link_adviser,
        partnership_sizes.partnership_size
    from schools_terms
    left join school_term_groupings
        on school_term_groupings.urn = schools_terms.urn
        and school_term_groupings.academic_year = schools_terms.academic_year
        and school_term_groupings.term_code = schools_terms.term_code
    left join partnership_sizes
        on partnership_sizes.partnership = school_term_groupings.partnership
        and partnership_sizes.academic_year = schools_terms.academic_year
        and partnership_sizes.term_code = schools_terms.term_code

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

-- Ordered first-match per allocation: the lowest rule_order whose every condition holds.
match_candidates as (

    select
        rules_in_force.*,
        inputs.partnership_size,
        inputs.term_share_open,
        inputs.term_share_judged
    from inputs
    inner join rules_in_force
        on rules_in_force.urn = inputs.urn
        and rules_in_force.academic_year = inputs.academic_year
        and rules_in_force.term_code = inputs.term_code
        and rules_in_force.governance_condition in ('*', inputs.governance)
        and rules_in_force.phase_condition in ('*', inputs.phase)
        and case rules_in_force.partnership_condition
            when '*' then true
            when 'in_partnership' then inputs.partnership is not null
            when 'no_partnership' then inputs.partnership is null
            else false
        end
        and case rules_in_force.school_condition
            when '*' then true
            when 'causing_concern' then inputs.is_causing_concern
            else false
        end
        and (rules_in_force.partnership_size_min is null or inputs.partnership_size >= rules_in_force.partnership_size_min)
        and (rules_in_force.partnership_size_max is null or inputs.partnership_size <= rules_in_force.partnership_size_max)

),

matched as (

    {{ keep_rows(
        'match_candidates',
        'row_number() over (partition by urn, academic_year, term_code, allocation_code order by rule_order) = 1'
    ) }}

),

-- The school's days a year under each rule (its equal share of a partnership's days), and the term's part of them:
-- one division of exact products, so a share such as 7 / (3 x 5) is the nearest double to it.
planned as (

    select
        matched.*,
        case matched.allocation_basis
            when 'per_partnership' then matched.days_per_year / matched.partnership_size
            else matched.days_per_year
        end as school_days_per_year,
        case
            when {{ in_spaced_list('matched.term_code', 'matched.planned_terms') }}
                then matched.days_per_year * matched.term_share_open / (
                    {{ spaced_list_length('matched.planned_terms') }}
                    * case matched.allocation_basis when 'per_partnership' then matched.partnership_size else 1 end
                )
            else 0
        end as term_days,
        case
            when {{ in_spaced_list('matched.term_code', 'matched.planned_terms') }}
                then matched.days_per_year * matched.term_share_judged / (
                    {{ spaced_list_length('matched.planned_terms') }}
                    * case matched.allocation_basis when 'per_partnership' then matched.partnership_size else 1 end
                )
            else 0
        end as term_days_to_date
    from matched

),

by_school_term as (

    select
        urn,
        academic_year,
        term_code,
        max(rule_code) filter (where allocation_code = 'partnership_work') as partnership_rule_code,
        max(days_per_year) filter (where allocation_code = 'partnership_work') as partnership_days_per_year,
        max(school_days_per_year) filter (where allocation_code = 'partnership_work') as partnership_share_days_per_year,
        max(term_days) filter (where allocation_code = 'partnership_work') as planned_partnership_days,
        max(rule_code) filter (where allocation_code = 'school_allocation') as school_rule_code,
        max(school_days_per_year) filter (where allocation_code = 'school_allocation') as school_days_per_year,
        max(term_days) filter (where allocation_code = 'school_allocation') as planned_school_days,
        max(rule_code) filter (where allocation_code = 'causing_concern_allocation') as causing_concern_rule_code,
        max(school_days_per_year) filter (where allocation_code = 'causing_concern_allocation')
            as causing_concern_days_per_year,
        max(term_days) filter (where allocation_code = 'causing_concern_allocation') as planned_causing_concern_days,
        sum(term_days_to_date) as planned_days_to_date,
        bool_or(days_is_la_default and term_days > 0) as planned_days_is_la_default,
        string_agg(
            allocation_wording,
            '; '
            order by case allocation_code when 'partnership_work' then 1 when 'school_allocation' then 2 else 3 end
        ) as allocation_wording
    from planned
    group by urn, academic_year, term_code

),

final as (

    select
        inputs.urn,
        cast(inputs.la_code as integer) as la_code,
        inputs.school_name,
        inputs.governance,
        inputs.phase,
        inputs.academic_year,
        inputs.term_code,
        inputs.term_name,
        cast(inputs.term_order as integer) as term_order,
        inputs.term_start,
        inputs.term_end,
        inputs.is_report_term,
        inputs.judged_to,
        cast(inputs.term_share_open as double precision) as term_share_open,
        inputs.district,
        inputs.partnership,
        inputs.partnership_size,
        inputs.link_adviser,
        inputs.is_causing_concern,
        term_rule_versions.rule_version,
        by_school_term.partnership_rule_code,
        cast(by_school_term.partnership_days_per_year as double precision) as partnership_days_per_year,
        cast(by_school_term.partnership_share_days_per_year as double precision) as partnership_share_days_per_year,
        cast(coalesce(by_school_term.planned_partnership_days, 0) as double precision) as planned_partnership_days,
        by_school_term.school_rule_code,
        cast(by_school_term.school_days_per_year as double precision) as school_days_per_year,
        cast(coalesce(by_school_term.planned_school_days, 0) as double precision) as planned_school_days,
        by_school_term.causing_concern_rule_code,
        cast(by_school_term.causing_concern_days_per_year as double precision) as causing_concern_days_per_year,
        cast(coalesce(by_school_term.planned_causing_concern_days, 0) as double precision) as planned_causing_concern_days,
        cast(
            coalesce(by_school_term.planned_partnership_days, 0)
            + coalesce(by_school_term.planned_school_days, 0)
            + coalesce(by_school_term.planned_causing_concern_days, 0)
            as double precision
        ) as planned_days,
        cast(coalesce(by_school_term.planned_days_to_date, 0) as double precision) as planned_days_to_date,
        coalesce(by_school_term.planned_days_is_la_default, false) as planned_days_is_la_default,
        coalesce(by_school_term.allocation_wording, 'No allocation rule applies') as allocation_wording
    from inputs
    left join by_school_term
        on by_school_term.urn = inputs.urn
        and by_school_term.academic_year = inputs.academic_year
        and by_school_term.term_code = inputs.term_code
    left join term_rule_versions
        on term_rule_versions.urn = inputs.urn
        and term_rule_versions.academic_year = inputs.academic_year
        and term_rule_versions.term_code = inputs.term_code

)

select * from final
