{#- Every inspection of each school and its predecessors, read under its Ofsted regime, with ONE outcome for
    Table One: the rules of seed ofsted_outcome_rules (version in force on the report date) map each regime's
    judgements onto an outcome state (outstanding, good, good with concerns, below good, category of concern).
    An ungraded inspection that confirms the previous judgement carries that judgement forward, so every inspection
    knows the outcome in force after it. The committee report, the inspection briefing, the booklets and the
    support decisions (category, tier, intervention) all read their outcome from here. -#}
{%- set report_card_areas = report_card_areas() -%}
{%- set core_areas = report_card_core_areas() -%}
{%- set key_judgements = key_judgements() -%}

with

history as (

    select * from {{ ref('int_school_inspection_history') }}

),

inspections as (

    select * from {{ ref('stg_ofsted__inspections') }}

),

-- The regime calendar: which regime an inspection starting on a date falls under.
regimes as (

    select * from {{ ref('good_or_outstanding_definitions') }}

),

grades as (

    select * from {{ ref('ofsted_grades') }}

),

states as (

    select * from {{ ref('ofsted_outcome_states') }}

),

report_date as (

    select * from {{ ref('int_report_date') }}

),

-- The rule version in force on the report date (the most recently effective one when several overlap).
rules_in_effect as (

    select ofsted_outcome_rules.*
    from {{ ref('ofsted_outcome_rules') }} as ofsted_outcome_rules
    cross join report_date
    where ofsted_outcome_rules.effective_from <= report_date.report_date
        and (ofsted_outcome_rules.effective_to is null or ofsted_outcome_rules.effective_to > report_date.report_date)

),

rules as (

    {{ keep_rows('rules_in_effect', "rule_version
        = first_value(rule_version) over (order by effective_from desc, rule_version desc nulls last)") }}

),

joined as (

    select
        history.urn,
        history.inspected_urn,
        history.generations_back,
        history.is_inherited_from_predecessor,
        history.inspection_number,
        history.inspection_type,
        history.inspection_start_date,
        history.publication_date,
        history.inspection_sequence,
        history.overall_effectiveness_grade,
        history.category_of_concern,
        inspections.ungraded_outcome,
        inspections.is_safeguarding_effective,
        inspections.safeguarding_standards,
        {%- for judgement in key_judgements %}
        inspections.{{ judgement }}_grade,
        {%- endfor %}
        {%- for area in report_card_areas %}
        inspections.{{ area }}_grade,
        {%- endfor %}
        regimes.inspection_regime as calendar_regime
    from history
    left join inspections
        on inspections.urn = history.inspected_urn
        and inspections.inspection_number = history.inspection_number
    left join regimes
        on history.inspection_start_date >= regimes.effective_from
        and (regimes.effective_to is null or history.inspection_start_date < regimes.effective_to)

),

-- The regime is read from what the inspection records (report-card areas, an overall grade, key judgements alone),
-- and from its start date only when it records none of them (an ungraded visit).
with_regime as (

    select
        *,
        case
            when coalesce({% for area in report_card_areas %}{{ area }}_grade, {% endfor %}safeguarding_standards) is not null
                then 'report_card'
            when overall_effectiveness_grade is not null then 'graded'
            when coalesce({% for judgement in key_judgements %}{{ judgement }}_grade{{ ', ' if not loop.last }}{% endfor %}) is not null
                then 'ungraded_sub_judgements'
            -- An inspection before the first regime (or on a day between two) is read as graded.
            else coalesce(calendar_regime, 'graded')
        end as inspection_regime
    from joined

),

-- What each inspection records, counted on its regime's scale: inadequate = grade 4 / urgent improvement;
-- below good = grade 3 or 4 / needs attention or urgent improvement; top grade = 1 / exceptional. Missing counts
-- the judgements the regime always gives that are not there, so a partial record is never read as a clean one.
counted as (

    select
        *,
        case inspection_regime
            when 'graded' then overall_effectiveness_grade is not null or category_of_concern is not null
            when 'ungraded_sub_judgements' then
                coalesce({% for judgement in key_judgements %}{{ judgement }}_grade{{ ', ' if not loop.last }}{% endfor %}) is not null
                or category_of_concern is not null
            else
                coalesce({% for area in report_card_areas %}{{ area }}_grade, {% endfor %}safeguarding_standards) is not null
                or category_of_concern is not null
        end as records_judgement,
        case inspection_regime
            when 'ungraded_sub_judgements' then
                {%- for judgement in key_judgements %}
                ({{ judgement }}_grade is not null)::integer{{ ' +' if not loop.last }}
                {%- endfor %}
            when 'report_card' then
                {%- for area in report_card_areas %}
                ({{ area }}_grade is not null)::integer{{ ' +' if not loop.last }}
                {%- endfor %}
            else 0
        end as judgements_given,
        case inspection_regime
            when 'ungraded_sub_judgements' then
                {%- for judgement in key_judgements %}
                ({{ judgement }}_grade is null)::integer{{ ' +' if not loop.last }}
                {%- endfor %}
            when 'report_card' then
                {%- for area in core_areas %}
                ({{ area }}_grade is null)::integer{{ ' +' if not loop.last }}
                {%- endfor %}
            else 0
        end as judgements_missing,
        case inspection_regime
            when 'ungraded_sub_judgements' then
                {%- for judgement in key_judgements %}
                coalesce(({{ judgement }}_grade = 4)::integer, 0){{ ' +' if not loop.last }}
                {%- endfor %}
            when 'report_card' then
                {%- for area in report_card_areas %}
                coalesce(({{ area }}_grade = 'Urgent improvement')::integer, 0){{ ' +' if not loop.last }}
                {%- endfor %}
            else 0
        end as judgements_inadequate,
        case inspection_regime
            when 'ungraded_sub_judgements' then
                {%- for judgement in key_judgements %}
                coalesce(({{ judgement }}_grade >= 3)::integer, 0){{ ' +' if not loop.last }}
                {%- endfor %}
            when 'report_card' then
                {%- for area in report_card_areas %}
                coalesce(({{ area }}_grade in ('Needs attention', 'Urgent improvement'))::integer, 0){{ ' +' if not loop.last }}
                {%- endfor %}
            else 0
        end as judgements_below_good,
        case inspection_regime
            when 'ungraded_sub_judgements' then
                {%- for judgement in key_judgements %}
                coalesce(({{ judgement }}_grade = 1)::integer, 0){{ ' +' if not loop.last }}
                {%- endfor %}
            when 'report_card' then
                {%- for area in report_card_areas %}
                coalesce(({{ area }}_grade = 'Exceptional')::integer, 0){{ ' +' if not loop.last }}
                {%- endfor %}
            else 0
        end as judgements_top_grade,
        case inspection_regime
            when 'report_card' then
                case safeguarding_standards when 'Met' then 'met' when 'Not met' then 'not_met' end
            else case is_safeguarding_effective when true then 'met' when false then 'not_met' end
        end as safeguarding_state,
        -- Report cards count 'needs attention' areas apart for their wording.
        {%- for area in report_card_areas %}
        coalesce(({{ area }}_grade = 'Needs attention')::integer, 0){{ ' +' if not loop.last }}
        {%- endfor %} as areas_needs_attention
    from with_regime

),

-- Every rule matching an inspection that records a judgement; every empty condition matches anything.
judgement_candidates as (

    select
        counted.urn,
        counted.inspection_number,
        rules.rule_version,
        rules.rule_code,
        rules.rule_wording,
        rules.outcome_state,
        rules.rule_order
    from counted
    inner join rules
        on rules.judgement_kind = 'judgement'
        and rules.inspection_regime in ('*', counted.inspection_regime)
        and (rules.has_category_of_concern is null or (rules.has_category_of_concern = 'yes') = (counted.category_of_concern is not null))
        and (rules.overall_effectiveness_grade is null or rules.overall_effectiveness_grade = counted.overall_effectiveness_grade)
        and (rules.safeguarding_condition is null or rules.safeguarding_condition = counted.safeguarding_state)
        and (rules.min_judgements_inadequate is null or counted.judgements_inadequate >= rules.min_judgements_inadequate)
        and (rules.min_judgements_below_good is null or counted.judgements_below_good >= rules.min_judgements_below_good)
        and (rules.max_judgements_below_good is null or counted.judgements_below_good <= rules.max_judgements_below_good)
        and (
            rules.min_share_top_grade is null
            or counted.judgements_top_grade >= rules.min_share_top_grade * counted.judgements_given
        )
        and (not rules.requires_every_judgement or counted.judgements_missing = 0)
    where counted.records_judgement

),

-- The first matching rule (lowest rule_order).
judgement_matches as (

    select urn, inspection_number, rule_version, rule_code, rule_wording, outcome_state
    from (
        {{ keep_rows('judgement_candidates', "row_number() over (partition by urn, inspection_number order by rule_order) = 1") }}
    ) as first_rule

),

-- The outcome in force before each inspection from the judgements recorded so far (an ungraded inspection's rule
-- can depend on it: only a good or outstanding school gets 'standards may have declined').
with_previous_judgement as (

    select
        counted.*,
        {{ last_non_null('judgement_matches.outcome_state', 'before_inspection') }} as previous_judgement_state
    from counted
    left join judgement_matches
        on judgement_matches.urn = counted.urn
        and judgement_matches.inspection_number = counted.inspection_number
    window before_inspection as (
        partition by counted.urn
        order by counted.inspection_start_date, counted.publication_date, counted.inspection_number
        rows between unbounded preceding and 1 preceding
    )

),

ungraded_candidates as (

    select
        inspections.urn,
        inspections.inspection_number,
        rules.rule_version,
        rules.rule_code,
        rules.rule_wording,
        rules.outcome_state,
        rules.rule_order
    from with_previous_judgement as inspections
    inner join rules
        on rules.judgement_kind = 'ungraded'
        and rules.inspection_regime in ('*', inspections.inspection_regime)
        and (
            rules.previous_state_condition is null
            or (
                rules.previous_state_condition = 'good_or_outstanding'
                and inspections.previous_judgement_state in (select outcome_state from states where is_good_or_outstanding)
            )
        )
        and (
            rules.ungraded_outcome_pattern is null
            or {{ matches_pattern("coalesce(inspections.ungraded_outcome, '')", 'rules.ungraded_outcome_pattern') }}
        )
    where not inspections.records_judgement

),

ungraded_matches as (

    select urn, inspection_number, rule_version, rule_code, rule_wording, outcome_state
    from (
        {{ keep_rows('ungraded_candidates', "row_number() over (partition by urn, inspection_number order by rule_order) = 1") }}
    ) as first_rule

),

matched as (

    select * from judgement_matches
    union all
    select * from ungraded_matches

),

-- A rule with no outcome state confirms the judgement in force; the outcome after each inspection is the latest
-- state any inspection set, following the chain back through predecessor URNs.
with_outcome as (

    select
        counted.*,
        matched.rule_version as outcome_rule_version,
        matched.rule_code as outcome_rule_code,
        matched.rule_wording as outcome_rule_wording,
        matched.outcome_state as inspection_outcome_state,
        matched.outcome_state is not null as bears_judgement,
        coalesce({{ last_non_null('matched.outcome_state', 'chain_to_here') }}, 'no_grade') as outcome_state,
        {{ last_non_null('case when matched.outcome_state is not null then counted.inspection_number end', 'chain_to_here') }}
            as judgement_inspection_number
    from counted
    left join matched
        on matched.urn = counted.urn
        and matched.inspection_number = counted.inspection_number
    window chain_to_here as (
        partition by counted.urn
        order by counted.inspection_start_date, counted.publication_date, counted.inspection_number
        rows between unbounded preceding and current row
    )

),

labelled as (

    select
        with_outcome.*,
        states.is_good_or_outstanding as state_is_good_or_outstanding,
        case
            when with_outcome.inspection_regime = 'graded' and grades.grade_label is not null then grades.grade_label
            when with_outcome.inspection_regime = 'graded'
                then 'Ungraded inspection' || coalesce(': ' || with_outcome.ungraded_outcome, ' (no grade)')
            when with_outcome.inspection_regime = 'ungraded_sub_judgements' and with_outcome.records_judgement
                then 'No overall grade: ' || (with_outcome.judgements_given - with_outcome.judgements_below_good)
                    || ' key judgements good or better, ' || with_outcome.judgements_below_good || ' below good'
                    || case when with_outcome.judgements_missing > 0
                        then ', ' || with_outcome.judgements_missing || ' not given' else '' end
                    || '; safeguarding '
                    || case with_outcome.safeguarding_state when 'met' then 'effective' when 'not_met' then 'not effective'
                        else 'not stated' end
            when with_outcome.inspection_regime = 'ungraded_sub_judgements'
                then 'Ungraded inspection' || coalesce(': ' || with_outcome.ungraded_outcome, ' (no grade)')
            when with_outcome.inspection_regime = 'report_card' and with_outcome.records_judgement
                then 'Report card: ' || with_outcome.areas_needs_attention
                    || case when with_outcome.areas_needs_attention = 1 then ' area needs' else ' areas need' end
                    || ' attention, ' || with_outcome.judgements_inadequate || ' urgent improvement'
                    || case when with_outcome.judgements_missing > 0
                        then ', ' || with_outcome.judgements_missing || ' not given' else '' end
                    || '; safeguarding '
                    || case with_outcome.safeguarding_state when 'met' then 'met' when 'not_met' then 'not met'
                        else 'not stated' end
            else 'Ungraded inspection' || coalesce(': ' || with_outcome.ungraded_outcome, ' (no grade)')
        end
        || case with_outcome.category_of_concern
            when 'SM' then ' (special measures)'
            when 'SWK' then ' (serious weaknesses)'
            when 'RSI' then ' (requires significant improvement)'
            else ''
        end as outcome_label
    from with_outcome
    left join grades
        on grades.overall_effectiveness_grade = with_outcome.overall_effectiveness_grade
    left join states
        on states.outcome_state = with_outcome.outcome_state

),

-- The previous judgement-bearing inspection, following the chain back through predecessor URNs.
with_previous as (

    select
        *,
        {{ last_non_null('case when bears_judgement then inspection_number end', 'chain_before') }}
            as previous_inspection_number,
        {{ last_non_null('case when bears_judgement then outcome_label end', 'chain_before') }}
            as previous_outcome_label,
        {{ last_non_null('case when bears_judgement then inspection_regime end', 'chain_before') }}
            as previous_inspection_regime,
        {{ last_non_null('case when bears_judgement then overall_effectiveness_grade end', 'chain_before') }}
            as previous_judgement_grade,
        {{ last_non_null('case when bears_judgement then outcome_state end', 'chain_before') }}
            as previous_outcome_state,
        {{ last_non_null('case when bears_judgement then state_is_good_or_outstanding end', 'chain_before') }}
            as previous_is_good_or_outstanding
    from labelled
    window chain_before as (
        partition by urn
        order by inspection_start_date, publication_date, inspection_number
        rows between unbounded preceding and 1 preceding
    )

),

final as (

    select
        cast(urn as integer) as urn,
        cast(inspected_urn as integer) as inspected_urn,
        cast(generations_back as integer) as generations_back,
        is_inherited_from_predecessor,
        inspection_number,
        inspection_type,
        inspection_start_date,
        publication_date,
        cast(inspection_sequence as integer) as inspection_sequence,
        inspection_regime,
        overall_effectiveness_grade,
        category_of_concern,
        case category_of_concern
            when 'SM' then 'Special measures'
            when 'SWK' then 'Serious weaknesses'
            when 'RSI' then 'Requires significant improvement'
            else 'None'
        end as category_of_concern_label,
        ungraded_outcome,
        records_judgement,
        cast(judgements_given as integer) as judgements_given,
        cast(judgements_missing as integer) as judgements_missing,
        cast(judgements_inadequate as integer) as judgements_inadequate,
        cast(judgements_below_good as integer) as judgements_below_good,
        cast(judgements_top_grade as integer) as judgements_top_grade,
        safeguarding_state,
        outcome_rule_version,
        outcome_rule_code,
        outcome_rule_wording,
        bears_judgement,
        inspection_outcome_state,
        outcome_state,
        judgement_inspection_number,
        case when bears_judgement then coalesce(state_is_good_or_outstanding, false) end as is_good_or_outstanding,
        outcome_label,
        previous_inspection_number,
        previous_inspection_regime,
        coalesce(previous_outcome_label, 'None') as previous_outcome_label,
        previous_outcome_state,
        case
            when not bears_judgement then 'no new judgement'
            when previous_inspection_number is null then 'first inspection'
            -- Both graded: compare the grades (1 is the best, so a lower number is an improvement).
            when overall_effectiveness_grade is not null and previous_judgement_grade is not null then
                case
                    when overall_effectiveness_grade < previous_judgement_grade then 'improved'
                    when overall_effectiveness_grade > previous_judgement_grade then 'declined'
                    else 'unchanged'
                end
            -- Across regimes (or without grades): good or outstanding and its equivalents (seed ofsted_outcome_states).
            when outcome_state = 'good_with_concerns' and coalesce(previous_is_good_or_outstanding, false)
                and previous_outcome_state <> 'good_with_concerns'
                then 'good or better, with concerns'
            when coalesce(state_is_good_or_outstanding, false) and coalesce(previous_is_good_or_outstanding, false)
                then 'remains good or better'
            when coalesce(state_is_good_or_outstanding, false) then 'now good or better'
            when coalesce(previous_is_good_or_outstanding, false) then 'now below good'
            else 'remains below good'
        end as movement
    from with_previous

)

select * from final
