{#- Every inspection of each school and its predecessors with ONE regime-aware description of its outcome and
    of the movement since the previous judgement-bearing inspection. Read by the committee report, the monthly
    inspection briefing and the booklet inspection history, so the three say the same thing.
    The regime comes from the inspection start date (seed good_or_outstanding_definitions); what counts as a
    judgement and as good or outstanding under each regime is in macros/ofsted_outcome.sql (shared with
    int_school_good_or_outstanding). -#}
{%- set report_card_areas = report_card_areas() -%}
{%- set key_judgements = ['quality_of_education', 'behaviour_and_attitudes', 'personal_development', 'leadership_and_management'] -%}

with

history as (

    select * from {{ ref('int_school_inspection_history') }}

),

inspections as (

    select * from {{ ref('stg_ofsted__inspections') }}

),

definitions as (

    select * from {{ ref('good_or_outstanding_definitions') }}

),

grades as (

    select * from {{ ref('ofsted_grades') }}

),

with_regime as (

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
        -- An inspection before the first definition (or on a day between two) is read as graded.
        coalesce(definitions.inspection_regime, 'graded') as inspection_regime
    from history
    left join inspections
        on inspections.urn = history.inspected_urn
        and inspections.inspection_number = history.inspection_number
    left join definitions
        on history.inspection_start_date >= definitions.effective_from
        and (definitions.effective_to is null or history.inspection_start_date < definitions.effective_to)

),

judged as (

    select
        *,
        {{ ofsted_bears_judgement() }} as bears_judgement,
        {{ ofsted_is_good_or_outstanding() }} as is_good_or_outstanding,
        -- Counts behind the wording of the ungraded regime and of report cards.
        {%- for judgement in key_judgements %}
        ({{ judgement }}_grade <= 2)::integer{{ ' +' if not loop.last }}
        {%- endfor %} as key_judgements_good_or_better,
        {%- for judgement in key_judgements %}
        ({{ judgement }}_grade > 2)::integer{{ ' +' if not loop.last }}
        {%- endfor %} as key_judgements_below_good,
        {%- for area in report_card_areas %}
        coalesce(({{ area }}_grade = 'Needs attention')::integer, 0){{ ' +' if not loop.last }}
        {%- endfor %} as areas_needs_attention,
        {%- for area in report_card_areas %}
        coalesce(({{ area }}_grade = 'Urgent improvement')::integer, 0){{ ' +' if not loop.last }}
        {%- endfor %} as areas_urgent_improvement
    from with_regime

),

labelled as (

    select
        judged.*,
        case
            when judged.inspection_regime = 'graded' and grades.grade_label is not null then grades.grade_label
            when judged.inspection_regime = 'graded'
                then 'Ungraded inspection' || coalesce(': ' || judged.ungraded_outcome, ' (no grade)')
            when judged.inspection_regime = 'ungraded_sub_judgements' and judged.quality_of_education_grade is not null
                then 'No overall grade: ' || judged.key_judgements_good_or_better || ' key judgements good or better, '
                    || judged.key_judgements_below_good || ' below good; safeguarding '
                    || case judged.is_safeguarding_effective when true then 'effective' when false then 'not effective'
                        else 'not stated' end
            when judged.inspection_regime = 'ungraded_sub_judgements'
                then 'Ungraded inspection' || coalesce(': ' || judged.ungraded_outcome, ' (no grade)')
            when judged.inspection_regime = 'report_card' and judged.bears_judgement
                then 'Report card: ' || judged.areas_needs_attention
                    || case when judged.areas_needs_attention = 1 then ' area needs' else ' areas need' end
                    || ' attention, ' || judged.areas_urgent_improvement || ' urgent improvement; safeguarding '
                    || coalesce(lower(judged.safeguarding_standards), 'not stated')
            else 'Report card not yet graded'
        end
        || case judged.category_of_concern
            when 'SM' then ' (special measures)'
            when 'SWK' then ' (serious weaknesses)'
            when 'RSI' then ' (requires significant improvement)'
            else ''
        end as outcome_label
    from judged
    left join grades
        on grades.overall_effectiveness_grade = judged.overall_effectiveness_grade

),

-- The previous judgement-bearing inspection, following the chain back through predecessor URNs.
with_previous as (

    select
        *,
        lag(case when bears_judgement then inspection_number end ignore nulls) over chain_order
            as previous_inspection_number,
        lag(case when bears_judgement then outcome_label end ignore nulls) over chain_order
            as previous_outcome_label,
        lag(case when bears_judgement then inspection_regime end ignore nulls) over chain_order
            as previous_inspection_regime,
        lag(case when bears_judgement then overall_effectiveness_grade end ignore nulls) over chain_order
            as previous_judgement_grade,
        lag(case when bears_judgement then is_good_or_outstanding end ignore nulls) over chain_order
            as previous_is_good_or_outstanding
    from labelled
    window chain_order as (partition by urn order by inspection_start_date, publication_date, inspection_number)

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
        bears_judgement,
        case when bears_judgement then coalesce(is_good_or_outstanding, false) end as is_good_or_outstanding,
        outcome_label,
        previous_inspection_number,
        previous_inspection_regime,
        coalesce(previous_outcome_label, 'None') as previous_outcome_label,
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
            -- Across regimes (or without grades): good or outstanding and its equivalents.
            when coalesce(is_good_or_outstanding, false) and coalesce(previous_is_good_or_outstanding, false)
                then 'remains good or better'
            when coalesce(is_good_or_outstanding, false) then 'now good or better'
            when coalesce(previous_is_good_or_outstanding, false) then 'now below good'
            else 'remains below good'
        end as movement
    from with_previous

)

select * from final
