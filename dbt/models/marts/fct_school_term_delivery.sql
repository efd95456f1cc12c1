{#- Entitlement against delivery, per school and term: the visits and meetings the visits return records in each
    term (to the report date in the report term) against what the school is entitled to (int_school_term_entitlement),
    with flags and the reason for each in words: under-delivered and over-delivered Table One contacts, a missing
    core visit (SI4; SI6 keeping-in-touch visit for academies), missing monitoring meetings (SI12) and missing
    register reviews (SI9). Terms before the visits log starts are not judged. -#}
with

entitlement as (

    select * from {{ ref('int_school_term_entitlement') }}

),

visits as (

    select * from {{ ref('stg_returns__visits') }}

),

register_history as (

    select * from {{ ref('stg_returns__causing_concern_register_history') }}

),

visits_log as (

    select
        min(visit_date) as log_starts_on,
        count(*) as visits_in_log
    from visits

),

-- Visits in each term up to its last day judged, by type, and the contacts each entitlement counts.
term_visits as (

    select
        entitlement.urn,
        entitlement.academic_year,
        entitlement.term_code,
        count(*) filter (where visits.visit_type = 'core') as core_visits,
        count(*) filter (where visits.visit_type = 'additional') as additional_visits,
        count(*) filter (where visits.visit_type = 'monitoring_meeting') as monitoring_meetings,
        count(*) as total_contacts,
        count(*) filter (
            where {{ in_spaced_list('visits.visit_type', 'entitlement.table_one_visit_types') }}
        ) as table_one_contacts,
        count(*) filter (
            where {{ in_spaced_list('visits.visit_type', 'entitlement.monitoring_visit_types') }}
        ) as monitoring_meetings_counted,
        min(visits.visit_date) filter (
            where {{ in_spaced_list('visits.visit_type', 'entitlement.core_visit_types') }}
        ) as first_core_visit_on,
        max(visits.visit_date) filter (
            where {{ in_spaced_list('visits.visit_type', 'entitlement.core_visit_types') }}
        ) as last_core_visit_on
    from entitlement
    inner join visits
        on visits.urn = entitlement.urn
        and visits.visit_date between entitlement.term_start and entitlement.judged_to
    group by entitlement.urn, entitlement.academic_year, entitlement.term_code

),

-- Register reviews held in each term: the distinct review dates across every accepted version of the register.
term_reviews as (

    select
        entitlement.urn,
        entitlement.academic_year,
        entitlement.term_code,
        count(distinct register_history.last_reviewed_on) as register_reviews_held
    from entitlement
    inner join register_history
        on register_history.urn = entitlement.urn
        and register_history.last_reviewed_on between entitlement.term_start and entitlement.judged_to
    group by entitlement.urn, entitlement.academic_year, entitlement.term_code

),

counted as (

    select
        entitlement.*,
        visits_log.log_starts_on,
        cast(coalesce(term_visits.core_visits, 0) as integer) as core_visits,
        cast(coalesce(term_visits.additional_visits, 0) as integer) as additional_visits,
        cast(coalesce(term_visits.monitoring_meetings, 0) as integer) as monitoring_meetings,
        cast(coalesce(term_visits.total_contacts, 0) as integer) as total_contacts,
        cast(coalesce(term_visits.monitoring_meetings_counted, 0) as integer) as monitoring_meetings_held,
        cast(coalesce(term_reviews.register_reviews_held, 0) as integer) as register_reviews_held,
        cast(sum(coalesce(term_visits.table_one_contacts, 0)) over year_to_date as integer)
            as table_one_contacts_year_to_date,
        cast(coalesce(term_visits.table_one_contacts, 0) as integer) as table_one_contacts_in_term,
        -- The core visit: the first in this year's window to date, and the latest outside it.
        min(case when entitlement.is_core_visit_term then term_visits.first_core_visit_on end) over year_to_date
            as core_visit_held_on,
        max(case when not entitlement.is_core_visit_term then term_visits.last_core_visit_on end) over year_to_date
            as core_visit_outside_window_on,
        case
            when visits_log.visits_in_log = 0 then 'not judged: no visits log'
            when entitlement.term_end < visits_log.log_starts_on then 'not judged: before the visits log starts'
            when entitlement.term_status = 'current' then 'judged to the report date'
            else 'judged'
        end as judgement_status
    from entitlement
    cross join visits_log
    left join term_visits
        on term_visits.urn = entitlement.urn
        and term_visits.academic_year = entitlement.academic_year
        and term_visits.term_code = entitlement.term_code
    left join term_reviews
        on term_reviews.urn = entitlement.urn
        and term_reviews.academic_year = entitlement.academic_year
        and term_reviews.term_code = entitlement.term_code
    window year_to_date as (
        partition by entitlement.urn, entitlement.academic_year
        order by entitlement.term_order
        rows between unbounded preceding and current row
    )

),

judged as (

    select
        counted.*,
        counted.judgement_status like 'judged%' as is_judged,
        case counted.table_one_basis
            when 'term' then counted.table_one_contacts_in_term
            when 'year' then counted.table_one_contacts_year_to_date
        end as contacts_counted,
        cast(ceil(counted.contacts_entitled - 1e-9) as integer) as contacts_entitled_whole,
        case
            when counted.term_status = 'ended' then 'by the end of ' || counted.term_name
            else 'by ' || {{ date_words('counted.judged_to') }}
        end as due_by_words,
        case counted.table_one_basis
            when 'term' then 'this term'
            when 'year' then 'in ' || counted.academic_year || ' to date'
        end as period_words,
        'Table One, ' || coalesce(counted.category_short_name, 'no category') || ': '
            || lower(coalesce(counted.frequency_wording, 'no frequency')) as table_one_words,
        case
            when counted.core_visit_due_terms is null then 'no term'
            when {{ spaced_list_length('counted.core_visit_due_terms') }} >= counted.terms_in_year then 'any term'
            else 'the ' || replace(counted.core_visit_due_terms, ' ', ' or ') || ' term'
        end as core_visit_terms_words,
        case counted.core_visit_duty
            when 'SI6' then 'keeping-in-touch visit (SI6)'
            else 'core visit (SI4)'
        end as core_visit_name,
        case counted.judgement_status
            when 'not judged: no visits log' then 'Not judged: no visits log has been received.'
            else 'Not judged: the visits log starts on ' || {{ date_words('counted.log_starts_on') }} || '.'
        end as not_judged_words
    from counted

),

flagged as (

    select
        judged.*,
        coalesce(
            judged.is_judged and judged.table_one_rule_code is not null
                and judged.contacts_counted < judged.contacts_due_to_date,
            false
        ) as under_delivered,
        coalesce(
            judged.is_judged and judged.table_one_rule_code is not null
                and judged.contacts_counted > judged.contacts_entitled_whole + judged.over_delivery_margin,
            false
        ) as over_delivered,
        coalesce(
            judged.is_judged and judged.is_core_visit_due_this_year and judged.is_core_visit_judged
                and judged.core_visit_held_on is null,
            false
        ) as core_visit_missing,
        coalesce(
            judged.is_judged and judged.monitoring_meetings_required > 0
                and judged.monitoring_meetings_held < judged.monitoring_meetings_due_to_date,
            false
        ) as monitoring_meetings_missing,
        coalesce(
            judged.is_judged and judged.register_reviews_required > 0
                and judged.register_reviews_held < judged.register_reviews_due_to_date,
            false
        ) as register_reviews_missing
    from judged

),

explained as (

    select
        flagged.*,
        case
            when not flagged.is_judged then flagged.not_judged_words
            when flagged.governance = 'academy'
                then 'Not applicable: academies are not categorised under Table One; they are entitled to the '
                    || 'keeping-in-touch visit (SI6).'
            when flagged.table_one_rule_code is null
                then 'Not judged: the school has no Table One category ('
                    || coalesce(flagged.categorisation_status, 'not categorised') || ').'
            else
                case when flagged.under_delivered then 'Under-delivered: ' else 'Delivered as entitled: ' end
                || {{ count_words('flagged.contacts_counted', 'contact', 'contacts') }} || ' ' || flagged.period_words
                || ' against ' || flagged.contacts_due_to_date || ' due ' || flagged.due_by_words
                || ' (' || flagged.table_one_words || ').'
        end as under_delivery_reason,
        case
            when not flagged.is_judged then flagged.not_judged_words
            when flagged.governance = 'academy'
                then 'Not applicable: academies are not categorised under Table One.'
            when flagged.table_one_rule_code is null
                then 'Not judged: the school has no Table One category ('
                    || coalesce(flagged.categorisation_status, 'not categorised') || ').'
            else
                case when flagged.over_delivered then 'Over-delivered: ' else 'Not over-delivered: ' end
                || {{ count_words('flagged.contacts_counted', 'contact', 'contacts') }} || ' ' || flagged.period_words
                || '; over-delivery is more than ' || (flagged.contacts_entitled_whole + flagged.over_delivery_margin)
                || ', the ' || flagged.contacts_entitled_whole || ' the school is entitled to '
                || case flagged.table_one_basis
                    when 'term' then 'a term'
                    else 'in ' || flagged.academic_year || ' to the end of ' || flagged.term_name
                end
                || ' plus a margin of ' || flagged.over_delivery_margin || ' (' || flagged.table_one_words || ').'
        end as over_delivery_reason,
        case
            when not flagged.is_judged then flagged.not_judged_words
            when flagged.core_visit_rule_code is null then 'Not applicable: no core visit rule applies to the school.'
            when not flagged.is_core_visit_due_this_year
                then 'Not due: the school opened after ' || flagged.core_visit_terms_words || ' of '
                    || flagged.academic_year || '.'
            when flagged.core_visit_held_on is not null
                then upper(left(flagged.core_visit_name, 1)) || substr(flagged.core_visit_name, 2) || ' held on '
                    || {{ date_words('flagged.core_visit_held_on') }} || '.'
            when not flagged.is_core_visit_judged
                then 'Not yet due: the ' || flagged.core_visit_name || ' falls in ' || flagged.core_visit_terms_words
                    || ' of ' || flagged.academic_year || '.'
            else
                case
                    when flagged.report_date > flagged.core_visit_window_end
                        then 'Missing: no ' || flagged.core_visit_name || ' in ' || flagged.core_visit_terms_words
                            || ' of ' || flagged.academic_year
                    else 'Missing so far: no ' || flagged.core_visit_name || ' yet in ' || flagged.core_visit_terms_words
                        || ' of ' || flagged.academic_year || ', which ends on '
                        || {{ date_words('flagged.core_visit_window_end') }}
                end
                || ' (' || flagged.core_visit_wording || ').'
                || coalesce(
                    ' A core visit was recorded on ' || {{ date_words('flagged.core_visit_outside_window_on') }}
                        || ', outside that term.',
                    ''
                )
        end as core_visit_reason,
        case
            when not flagged.is_judged then flagged.not_judged_words
            when flagged.monitoring_meetings_required = 0
                then 'Not required: ' || case
                    when flagged.governance = 'academy' then 'monitoring group meetings (SI12) are for maintained schools.'
                    else 'not a maintained school causing concern (SI12).'
                end
            else
                case when flagged.monitoring_meetings_missing then 'Missing: ' else 'Held as required: ' end
                || {{ count_words('flagged.monitoring_meetings_held', 'monitoring meeting', 'monitoring meetings') }}
                || ' this term against ' || flagged.monitoring_meetings_due_to_date || ' due ' || flagged.due_by_words
                || case
                    when flagged.term_status = 'current'
                        then ', of the ' || flagged.monitoring_meetings_required || ' required this term'
                    else ''
                end
                || ' (' || flagged.monitoring_wording || ').'
        end as monitoring_meetings_reason,
        case
            when not flagged.is_judged then flagged.not_judged_words
            when flagged.register_reviews_required = 0
                then 'Not required: not on the register of schools causing concern this term.'
            else
                case when flagged.register_reviews_missing then 'Missing: ' else 'Reviewed as required: ' end
                || {{ count_words('flagged.register_reviews_held', 'register review', 'register reviews') }}
                || ' this term against ' || flagged.register_reviews_due_to_date || ' due ' || flagged.due_by_words
                || case
                    when flagged.term_status = 'current'
                        then ', of the ' || flagged.register_reviews_required || ' required this term'
                    else ''
                end
                || ' (' || flagged.register_review_wording || ').'
        end as register_reviews_reason
    from flagged

),

final as (

    select
        urn,
        la_code,
        school_name,
        governance,
        phase,
        academic_year,
        term_code,
        term_name,
        term_order,
        term_start,
        term_end,
        term_status,
        is_report_term,
        report_date,
        judged_to,
        judgement_status,
        rule_version,
        support_category,
        category_name,
        category_short_name,
        core_visits,
        additional_visits,
        monitoring_meetings,
        total_contacts,
        table_one_basis,
        table_one_contacts_per_term,
        table_one_contacts_per_year,
        contacts_entitled,
        contacts_due_to_date,
        cast(contacts_counted as integer) as contacts_counted,
        table_one_contacts_year_to_date,
        over_delivery_margin,
        under_delivered,
        under_delivery_reason,
        over_delivered,
        over_delivery_reason,
        core_visit_duty,
        core_visit_due_terms,
        is_core_visit_term,
        core_visit_held_on,
        core_visit_missing,
        core_visit_reason,
        monitoring_meetings_required,
        monitoring_meetings_due_to_date,
        monitoring_meetings_held,
        monitoring_meetings_missing,
        monitoring_meetings_reason,
        is_on_register_in_term,
        register_reviews_required,
        register_reviews_due_to_date,
        register_reviews_held,
        register_reviews_missing,
        register_reviews_reason,
        support_tier,
        support_tier_status,
        tier_offer_wording,
        tier_support_days_max,
        tier_grant_max_gbp,
        coalesce(
            nullif(
                concat_ws(
                    ', ',
                    case when under_delivered then 'under-delivered' end,
                    case when over_delivered then 'over-delivered' end,
                    case when core_visit_missing then core_visit_name || ' missing' end,
                    case when monitoring_meetings_missing then 'monitoring meetings missing' end,
                    case when register_reviews_missing then 'register reviews missing' end
                ),
                ''
            ),
            case when is_judged then 'none' else 'not judged' end
        ) as flags_raised
    from explained

)

select * from final
