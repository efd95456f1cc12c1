{#- When each open LA school's next Ofsted inspection is likely: its latest inspection (its own, else its nearest
    predecessor's; int_latest_ofsted_inspection) read against the published intervals of seed
    ofsted_inspection_intervals - the first row, by rule_order, whose conditions hold and whose effective period
    contains the rule date (the latest inspection's start date, or the opening date of a school with no inspection of
    its own) - giving the earliest likely date and the date it is due by. The status is relative to the date the data
    covers (int_report_term.data_date): overdue, due within two terms (by the end of the term after the one that date
    falls in, seed school_terms), later, or never inspected (a school with no inspection of its own). -#}
{%- set anchors = ['earliest', 'latest'] -%}

with

schools as (

    select * from {{ ref('dim_school') }}
    where is_la_service_school
        and is_open

),

latest as (

    select * from {{ ref('int_latest_ofsted_inspection') }}

),

outcomes as (

    select
        urn,
        inspection_number,
        ungraded_outcome
    from {{ ref('int_ofsted_inspection_outcomes') }}

),

intervals as (

    select * from {{ ref('ofsted_inspection_intervals') }}

),

terms as (

    select * from {{ ref('school_terms') }}

),

report_term as (

    select * from {{ ref('int_report_term') }}

),

-- The term the data date falls in (the nearest term for a date outside every term), and the end of the term after it:
-- "due within two terms" means due by then. When seed school_terms does not list that term yet, four months after
-- the current term ends stands in for it.
as_at_candidates as (

    select
        report_term.data_date as forecast_as_at,
        terms.term_name as as_at_term,
        terms.term_start as as_at_term_start,
        terms.term_end as as_at_term_end
    from report_term
    cross join terms
    where report_term.data_date is not null

),

as_at_term as (

    select forecast_as_at, as_at_term, as_at_term_end
    from (
        {{ keep_rows('as_at_candidates', "row_number() over (
            order by
                forecast_as_at between as_at_term_start and as_at_term_end desc,
                least(abs(forecast_as_at - as_at_term_start), abs(forecast_as_at - as_at_term_end))
        ) = 1") }}
    ) as nearest_term

),

due_window as (

    select
        as_at_term.forecast_as_at,
        as_at_term.as_at_term,
        coalesce(next_term.term_name, 'the next term') as next_term,
        coalesce(next_term.term_end, cast(as_at_term.as_at_term_end + interval '4 months' as date)) as due_soon_by
    from as_at_term
    left join terms as next_term
        on next_term.term_start = as_at_term.as_at_term_end + 1

),

-- A school with no inspection of its own is a new school (its opening date starts the clock) when GIAS gives the
-- date; otherwise its latest inspection, which may be a predecessor's, does.
inputs as (

    select
        schools.urn,
        schools.school_name,
        schools.phase,
        schools.governance,
        schools.open_date,
        latest.urn is not null and latest.generations_back = 0 as has_own_inspection,
        latest.inspected_urn as last_inspected_urn,
        coalesce(latest.is_inherited_from_predecessor, false) as is_inherited_from_predecessor,
        latest.inspection_number as last_inspection_number,
        latest.inspection_type as last_inspection_type,
        latest.inspection_start_date as last_inspection_date,
        latest.publication_date as last_publication_date,
        latest.inspection_regime as last_inspection_regime,
        latest.outcome_label as last_inspection_outcome_label,
        latest.bears_judgement as last_inspection_bears_judgement,
        outcomes.ungraded_outcome as last_ungraded_outcome,
        latest.outcome_state,
        latest.outcome_state_label,
        coalesce(latest.is_below_good, false) as is_below_good,
        latest.judgement_outcome_label,
        latest.judgement_start_date,
        coalesce(latest.judgement_publication_date, latest.judgement_start_date) as judgement_publication_date,
        case
            when latest.urn is null then 'none'
            when latest.generations_back > 0 and schools.open_date is not null then 'none'
            when latest.bears_judgement then 'judgement'
            else 'ungraded'
        end as latest_inspection_kind
    from schools
    left join latest
        on latest.urn = schools.urn
    left join outcomes
        on outcomes.urn = latest.urn
        and outcomes.inspection_number = latest.inspection_number

),

with_rule_date as (

    select
        *,
        case when latest_inspection_kind = 'none' then open_date else last_inspection_date end as rule_date,
        -- 31 August ending the school year of the latest inspection.
        make_date(
            cast(extract(year from last_inspection_date) as integer)
                + (extract(month from last_inspection_date) >= 9)::integer,
            8,
            31
        )
            as last_school_year_end
    from inputs

),

-- The first interval row that applies; '*' matches anything except a school with no inspection of its own, which
-- only the rows written for new schools ('none') match.
interval_candidates as (

    select
        with_rule_date.urn,
        intervals.rule_order,
        intervals.rule_version,
        intervals.rule_code,
        intervals.rule_wording,
        intervals.source as rule_source,
        intervals.earliest_is_la_default,
        intervals.latest_is_la_default,
        {%- for side in anchors %}
        cast(case intervals.{{ side }}_anchor
            when 'latest_inspection' then with_rule_date.last_inspection_date + intervals.{{ side }}_months * interval '1 month'
            when 'judgement_publication'
                then with_rule_date.judgement_publication_date + intervals.{{ side }}_months * interval '1 month'
            when 'latest_school_year_end' then with_rule_date.last_school_year_end + intervals.{{ side }}_months * interval '1 month'
            when 'open_date' then with_rule_date.open_date + intervals.{{ side }}_months * interval '1 month'
            when 'fixed_date' then intervals.{{ side }}_date
        end as date) as {{ side }}_rule_date{{ ',' if not loop.last }}
        {%- endfor %}
    from with_rule_date
    inner join intervals
        on with_rule_date.rule_date >= intervals.effective_from
        and (intervals.effective_to is null or with_rule_date.rule_date < intervals.effective_to)
        and intervals.inspection_regime in ('*', with_rule_date.last_inspection_regime)
        and intervals.outcome_state_condition in ('*', with_rule_date.outcome_state)
        and (
            intervals.latest_inspection_condition = with_rule_date.latest_inspection_kind
            or (intervals.latest_inspection_condition = '*' and with_rule_date.latest_inspection_kind <> 'none')
        )
        and (
            intervals.ungraded_outcome_pattern is null
            or {{ matches_pattern("coalesce(with_rule_date.last_ungraded_outcome, '')", 'intervals.ungraded_outcome_pattern') }}
        )

),

matched as (

    {{ keep_rows('interval_candidates', "row_number() over (
        partition by urn order by rule_order, rule_version desc nulls last
    ) = 1") }}

),

dated as (

    select
        with_rule_date.*,
        matched.rule_version,
        matched.rule_code,
        matched.rule_wording,
        matched.rule_source,
        matched.earliest_is_la_default,
        matched.latest_is_la_default,
        -- Never before the latest inspection (or the opening) it counts from, nor after the due-by date.
        least(greatest(matched.earliest_rule_date, with_rule_date.rule_date), matched.latest_rule_date) as likely_from,
        matched.latest_rule_date as due_by,
        due_window.forecast_as_at,
        due_window.as_at_term,
        due_window.next_term,
        due_window.due_soon_by
    from with_rule_date
    left join matched
        on matched.urn = with_rule_date.urn
    cross join due_window

),

with_status as (

    select
        *,
        case
            when due_by is null then 'not known'
            when due_by < forecast_as_at then 'overdue'
            when due_by <= due_soon_by then 'due within two terms'
            else 'later'
        end as due_timing,
        case
            when latest_inspection_kind = 'judgement' and last_inspection_regime = 'report_card'
                then 'report-card inspection'
            when latest_inspection_kind = 'judgement' and last_inspection_regime = 'ungraded_sub_judgements'
                then 'graded inspection (key judgements, no overall grade)'
            when latest_inspection_kind = 'judgement' then 'graded inspection'
            when last_inspection_type ilike '%monitoring%' then 'monitoring inspection'
            when last_inspection_date is not null then 'ungraded inspection'
        end as last_inspection_kind_label
    from dated

),

final as (

    select
        cast(urn as integer) as urn,
        school_name,
        phase,
        governance,
        open_date,
        forecast_as_at,
        has_own_inspection,
        is_inherited_from_predecessor,
        cast(last_inspected_urn as integer) as last_inspected_urn,
        last_inspection_number,
        last_inspection_type,
        last_inspection_kind_label,
        last_inspection_date,
        last_publication_date,
        last_inspection_regime,
        last_inspection_outcome_label,
        last_ungraded_outcome,
        latest_inspection_kind,
        coalesce(outcome_state, 'not_inspected') as outcome_state,
        coalesce(outcome_state_label, 'not yet inspected') as outcome_state_label,
        judgement_outcome_label,
        is_below_good,
        rule_date,
        rule_version,
        rule_code,
        rule_wording,
        rule_source,
        earliest_is_la_default,
        latest_is_la_default,
        likely_from,
        due_by,
        as_at_term,
        next_term,
        due_soon_by,
        due_timing,
        case when has_own_inspection then due_timing else 'never inspected' end as forecast_status,
        due_timing in ('overdue', 'due within two terms') as is_due_soon_or_overdue,
        -- The interval that applies in words, saying which dates are local defaults.
        case
            when rule_code is null then 'No published interval covers this school, so no date can be forecast.'
            else 'Ofsted''s interval: ' || rule_wording
                || case
                    when earliest_is_la_default and latest_is_la_default then ' (both dates are local defaults).'
                    when latest_is_la_default then ' (the due-by date is a local default).'
                    when earliest_is_la_default then ' (the likely-from date is a local default).'
                    else '.'
                end
        end as interval_reason,
        -- The forecast in words: what the latest inspection was, the interval that applies, and the dates.
        case
            when latest_inspection_kind = 'none' and open_date is not null
                then 'Not yet inspected since it opened on ' || {{ date_words('open_date') }}
                    || case when last_inspection_date is not null
                        then ' (the school it replaced was last inspected on ' || {{ date_words('last_inspection_date') }}
                            || ': ' || coalesce(judgement_outcome_label, last_inspection_outcome_label) || ')'
                        else '' end
                    || '.'
            when latest_inspection_kind = 'none' then 'Not yet inspected, and no opening date is recorded.'
            else case when is_inherited_from_predecessor then 'Not yet inspected itself; the school it replaced was last inspected on '
                    else 'Last inspected on ' end
                || {{ date_words('last_inspection_date') }}
                || ' (' || last_inspection_kind_label || '); judgement in force: '
                || coalesce(judgement_outcome_label, last_inspection_outcome_label, 'none') || '.'
        end
        || case
            when rule_code is null then ' No published interval covers this school, so no date can be forecast.'
            else ' Ofsted''s interval: ' || rule_wording || '. '
                || case when likely_from < due_by then 'Likely from ' || {{ date_words('likely_from') }} || ', due by '
                    else 'Due by ' end
                || {{ date_words('due_by') }}
                || case
                    when earliest_is_la_default and latest_is_la_default then ' (both dates are local defaults).'
                    when latest_is_la_default then ' (the due-by date is a local default).'
                    when earliest_is_la_default then ' (the likely-from date is a local default).'
                    else '.'
                end
        end as forecast_reason
    from with_status

)

select * from final
