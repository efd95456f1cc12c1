{#- The days-and-money ledger of the school improvement service, per school, reporting term and adviser: the days
    planned for the school (int_school_term_day_allocation, for its link adviser), the days delivered by visit type
    (the visits return; a visit without its length counts the default for its type, seed visit_default_durations),
    the traded days sold (the traded-work return), the cost of planned and delivered days at the notional daily rate
    and the traded income at the agreed daily rate, else the traded rate (seed service_day_rates). Every term up to the
    report term; the report term to the report date. -#}
with

allocation as (

    select * from {{ ref('int_school_term_day_allocation') }}

),

schools as (

    select * from {{ ref('dim_school') }}

),

visits as (

    select * from {{ ref('stg_returns__visits') }}

),

traded_work as (

    select * from {{ ref('stg_returns__traded_work') }}

),

terms as (

    select * from {{ ref('school_terms') }}

),

report_term as (

    select * from {{ ref('int_report_term') }}

),

durations as (

    select * from {{ ref('visit_default_durations') }}

),

rates as (

    select * from {{ ref('service_day_rates') }}

),

-- Every reporting term up to the report term, judged to its last day (the report term to the report date).
ledger_terms as (

    select
        terms.academic_year,
        terms.term_code,
        terms.term_name,
        terms.term_order,
        terms.term_start,
        terms.term_end,
        terms.academic_year = report_term.academic_year and terms.term_code = report_term.term_code as is_report_term,
        least(terms.term_end, report_term.report_date) as judged_to
    from terms
    cross join report_term
    where terms.term_start <= report_term.term_start

),

visits_log as (

    select
        min(visit_date) as log_starts_on,
        count(*) as visits_in_log
    from visits

),

-- The default durations and the rates in force on each term's last day judged (the most recently effective
-- version when several overlap).
durations_in_force as (

    {{ rules_in_force('ledger_terms', 'durations', ['academic_year', 'term_code']) }}

),

rates_in_force as (

    {{ rules_in_force('ledger_terms', 'rates', ['academic_year', 'term_code']) }}

),

-- Each visit in its term, with its length: as recorded, else the default for its type.
visit_days as (

    select
        visits.urn,
        ledger_terms.academic_year,
        ledger_terms.term_code,
        visits.adviser,
        visits.visit_type,
        visits.days is null as is_default_duration,
        coalesce(visits.days, durations_in_force.default_days) as days,
        durations_in_force.rule_version as duration_rule_version
    from visits
    inner join ledger_terms
        on visits.visit_date between ledger_terms.term_start and ledger_terms.judged_to
    left join durations_in_force
        on durations_in_force.academic_year = ledger_terms.academic_year
        and durations_in_force.term_code = ledger_terms.term_code
        and durations_in_force.visit_type = visits.visit_type

),

term_visits as (

    select
        urn,
        academic_year,
        term_code,
        adviser,
        count(*) filter (where visit_type = 'core') as core_visits,
        count(*) filter (where visit_type = 'additional') as additional_visits,
        count(*) filter (where visit_type = 'monitoring_meeting') as monitoring_meetings,
        count(*) filter (where is_default_duration) as visits_at_default_duration,
        sum(days) filter (where visit_type = 'core') as core_days,
        sum(days) filter (where visit_type = 'additional') as additional_days,
        sum(days) filter (where visit_type = 'monitoring_meeting') as monitoring_meeting_days,
        sum(days) as delivered_days,
        sum(days) filter (where is_default_duration) as delivered_days_at_default_duration,
        max(duration_rule_version) as duration_rule_version
    from visit_days
    group by urn, academic_year, term_code, adviser

),

-- Each piece of traded work in its term, priced at the rate agreed with the school, else the traded rate for the
-- school's governance (its own row, else the '*' row: DISTINCT ON keeps the first in that order, on both engines).
traded_priced as (

    select distinct on (traded_work.urn, traded_work.work_date, traded_work.adviser, traded_work.activity)
        traded_work.urn,
        ledger_terms.academic_year,
        ledger_terms.term_code,
        traded_work.adviser,
        traded_work.days,
        traded_work.agreed_daily_rate,
        coalesce(traded_work.agreed_daily_rate, rates_in_force.daily_rate_gbp) as daily_rate_gbp
    from traded_work
    inner join ledger_terms
        on traded_work.work_date between ledger_terms.term_start and ledger_terms.judged_to
    left join schools
        on schools.urn = traded_work.urn
    left join rates_in_force
        on rates_in_force.academic_year = ledger_terms.academic_year
        and rates_in_force.term_code = ledger_terms.term_code
        and rates_in_force.rate_code = 'traded'
        and rates_in_force.governance_condition in ('*', schools.governance)
    order by
        traded_work.urn, traded_work.work_date, traded_work.adviser, traded_work.activity,
        rates_in_force.governance_condition = '*'

),

term_traded as (

    select
        urn,
        academic_year,
        term_code,
        adviser,
        count(*) as traded_work_items,
        sum(days) as traded_days,
        sum(days) filter (where agreed_daily_rate is not null) as traded_days_at_agreed_rate,
        sum(days * daily_rate_gbp) as traded_income_gbp,
        count(*) filter (where daily_rate_gbp is null) as traded_work_items_unpriced
    from traded_priced
    group by urn, academic_year, term_code, adviser

),

-- One ledger row per school, term and adviser that has planned, delivered or traded days: the planned days are the
-- link adviser's (a school with no link adviser has its planned days on a row with no adviser).
ledger_keys as (

    select urn, academic_year, term_code, link_adviser as adviser from allocation
    union
    select urn, academic_year, term_code, adviser from term_visits
    union
    select urn, academic_year, term_code, adviser from term_traded

),

-- The notional daily rate for each school and term (its governance's row, else the '*' row, as above).
school_term_notional_rates as (

    select distinct on (ledger_keys.urn, ledger_keys.academic_year, ledger_keys.term_code)
        ledger_keys.urn,
        ledger_keys.academic_year,
        ledger_keys.term_code,
        rates_in_force.daily_rate_gbp as notional_daily_rate_gbp,
        rates_in_force.rule_version as rate_rule_version
    from (select distinct urn, academic_year, term_code from ledger_keys) as ledger_keys
    left join schools
        on schools.urn = ledger_keys.urn
    inner join rates_in_force
        on rates_in_force.academic_year = ledger_keys.academic_year
        and rates_in_force.term_code = ledger_keys.term_code
        and rates_in_force.rate_code = 'notional'
        and rates_in_force.governance_condition in ('*', schools.governance)
    order by ledger_keys.urn, ledger_keys.academic_year, ledger_keys.term_code, rates_in_force.governance_condition = '*'

),

joined as (

    select
        ledger_keys.urn,
        schools.school_name,
        schools.governance,
        schools.phase,
        school_allocation.district,
        school_allocation.partnership,
        school_allocation.partnership_size,
        school_allocation.link_adviser,
        ledger_keys.adviser,
        ledger_keys.academic_year,
        ledger_keys.term_code,
        ledger_terms.term_name,
        ledger_terms.term_order,
        ledger_terms.term_start,
        ledger_terms.term_end,
        ledger_terms.is_report_term,
        ledger_terms.judged_to,
        case
            when visits_log.visits_in_log = 0 then 'not recorded: no visits log'
            when ledger_terms.term_end < visits_log.log_starts_on then 'not recorded: before the visits log starts'
            when ledger_terms.is_report_term then 'recorded to the report date'
            else 'recorded'
        end as delivery_status,
        coalesce(planned.planned_partnership_days, 0) as planned_partnership_days,
        coalesce(planned.planned_school_days, 0) as planned_school_days,
        coalesce(planned.planned_causing_concern_days, 0) as planned_causing_concern_days,
        coalesce(planned.planned_days, 0) as planned_days,
        coalesce(planned.planned_days_to_date, 0) as planned_days_to_date,
        coalesce(planned.planned_days_is_la_default, false) as planned_days_is_la_default,
        coalesce(term_visits.core_visits, 0) as core_visits,
        coalesce(term_visits.additional_visits, 0) as additional_visits,
        coalesce(term_visits.monitoring_meetings, 0) as monitoring_meetings,
        coalesce(term_visits.visits_at_default_duration, 0) as visits_at_default_duration,
        coalesce(term_visits.core_days, 0) as core_days,
        coalesce(term_visits.additional_days, 0) as additional_days,
        coalesce(term_visits.monitoring_meeting_days, 0) as monitoring_meeting_days,
        coalesce(term_visits.delivered_days, 0) as delivered_days,
        coalesce(term_visits.delivered_days_at_default_duration, 0) as delivered_days_at_default_duration,
        coalesce(term_traded.traded_work_items, 0) as traded_work_items,
        coalesce(term_traded.traded_days, 0) as traded_days,
        coalesce(term_traded.traded_days_at_agreed_rate, 0) as traded_days_at_agreed_rate,
        -- NULL, not 0, when a piece of traded work has no rate (no agreed rate and no traded rate for the school's
        -- governance): income unknown is not income nil.
        case
            when coalesce(term_traded.traded_work_items_unpriced, 0) = 0
                then coalesce(term_traded.traded_income_gbp, 0)
        end as traded_income_gbp,
        school_term_notional_rates.notional_daily_rate_gbp,
        planned.rule_version as allocation_rule_version,
        term_visits.duration_rule_version,
        school_term_notional_rates.rate_rule_version
    from ledger_keys
    inner join ledger_terms
        on ledger_terms.academic_year = ledger_keys.academic_year
        and ledger_terms.term_code = ledger_keys.term_code
    cross join visits_log
    left join schools
        on schools.urn = ledger_keys.urn
    left join allocation as school_allocation
        on school_allocation.urn = ledger_keys.urn
        and school_allocation.academic_year = ledger_keys.academic_year
        and school_allocation.term_code = ledger_keys.term_code
    left join allocation as planned
        on planned.urn = ledger_keys.urn
        and planned.academic_year = ledger_keys.academic_year
        and planned.term_code = ledger_keys.term_code
        and planned.link_adviser is not distinct from ledger_keys.adviser
    left join term_visits
        on term_visits.urn = ledger_keys.urn
        and term_visits.academic_year = ledger_keys.academic_year
        and term_visits.term_code = ledger_keys.term_code
        and term_visits.adviser = ledger_keys.adviser
    left join term_traded
        on term_traded.urn = ledger_keys.urn
        and term_traded.academic_year = ledger_keys.academic_year
        and term_traded.term_code = ledger_keys.term_code
        and term_traded.adviser = ledger_keys.adviser
    left join school_term_notional_rates
        on school_term_notional_rates.urn = ledger_keys.urn
        and school_term_notional_rates.academic_year = ledger_keys.academic_year
        and school_term_notional_rates.term_code = ledger_keys.term_code

),

final as (

    select
        cast(urn as integer) as urn,
        school_name,
        governance,
        phase,
        district,
        partnership,
        cast(partnership_size as integer) as partnership_size,
        link_adviser,
        adviser,
        coalesce(adviser = link_adviser, false) as is_link_adviser,
        academic_year,
        term_code,
        term_name,
        cast(term_order as integer) as term_order,
        term_start,
        term_end,
        is_report_term,
        judged_to,
        delivery_status,
        cast(planned_partnership_days as double precision) as planned_partnership_days,
        cast(planned_school_days as double precision) as planned_school_days,
        cast(planned_causing_concern_days as double precision) as planned_causing_concern_days,
        cast(planned_days as double precision) as planned_days,
        cast(planned_days_to_date as double precision) as planned_days_to_date,
        planned_days_is_la_default,
        cast(core_visits as integer) as core_visits,
        cast(additional_visits as integer) as additional_visits,
        cast(monitoring_meetings as integer) as monitoring_meetings,
        cast(visits_at_default_duration as integer) as visits_at_default_duration,
        cast(core_days as double precision) as core_days,
        cast(additional_days as double precision) as additional_days,
        cast(monitoring_meeting_days as double precision) as monitoring_meeting_days,
        cast(delivered_days as double precision) as delivered_days,
        cast(delivered_days_at_default_duration as double precision) as delivered_days_at_default_duration,
        cast(delivered_days - planned_days_to_date as double precision) as delivered_minus_planned_days,
        cast(traded_work_items as integer) as traded_work_items,
        cast(traded_days as double precision) as traded_days,
        cast(traded_days_at_agreed_rate as double precision) as traded_days_at_agreed_rate,
        cast(traded_income_gbp as double precision) as traded_income_gbp,
        cast(notional_daily_rate_gbp as double precision) as notional_daily_rate_gbp,
        cast(planned_days * notional_daily_rate_gbp as double precision) as planned_cost_gbp,
        cast(delivered_days * notional_daily_rate_gbp as double precision) as delivered_cost_gbp,
        allocation_rule_version,
        duration_rule_version,
        rate_rule_version
    from joined

)

select * from final
