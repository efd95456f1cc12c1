{#- Whether each school counts as good or outstanding, under the definition of the Ofsted regime of its latest
    judgement-bearing inspection (seed good_or_outstanding_definitions). The regime is decided by the inspection
    start date against the seed's effective dates. Grain: one row per school (urn) with such an inspection. -#}
{%- set report_card_areas = ['inclusion', 'curriculum_and_teaching', 'achievement', 'attendance_and_behaviour',
    'personal_development_and_wellbeing', 'early_years', 'post_16_provision', 'leadership_and_governance'] -%}

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

with_regime as (

    select
        history.urn,
        history.inspected_urn,
        history.inspection_number,
        history.inspection_start_date,
        history.publication_date,
        history.overall_effectiveness_grade,
        history.category_of_concern,
        inspections.quality_of_education_grade,
        inspections.behaviour_and_attitudes_grade,
        inspections.personal_development_grade,
        inspections.leadership_and_management_grade,
        inspections.is_safeguarding_effective,
        inspections.safeguarding_standards,
        {%- for area in report_card_areas %}
        inspections.{{ area }}_grade,
        {%- endfor %}
        definitions.inspection_regime,
        definitions.definition_version,
        definitions.counts_as_good_or_outstanding
    from history
    inner join inspections
        on inspections.urn = history.inspected_urn
        and inspections.inspection_number = history.inspection_number
    inner join definitions
        on history.inspection_start_date >= definitions.effective_from
        and (definitions.effective_to is null or history.inspection_start_date < definitions.effective_to)

),

-- An inspection bears a judgement under its regime: an overall grade (graded), the key sub-judgements
-- (ungraded regime), report-card area grades, or a category of concern. Ungraded visits under the graded regime do not change the outcome.
judged as (

    select
        *,
        case inspection_regime
            when 'graded' then overall_effectiveness_grade is not null or category_of_concern is not null
            when 'ungraded_sub_judgements' then quality_of_education_grade is not null or category_of_concern is not null
            when 'report_card' then
                coalesce({% for area in report_card_areas %}{{ area }}_grade{{ ', ' if not loop.last }}{% endfor %}) is not null
                or category_of_concern is not null
            else false
        end as bears_judgement,
        case
            when category_of_concern in ('SM', 'SWK', 'RSI') then false
            when inspection_regime = 'graded' then overall_effectiveness_grade in (1, 2)
            when inspection_regime = 'ungraded_sub_judgements' then
                greatest(quality_of_education_grade, behaviour_and_attitudes_grade, personal_development_grade,
                    leadership_and_management_grade) <= 2
                and coalesce(is_safeguarding_effective, false)
            -- Report cards: no area graded 'Needs attention' or 'Urgent improvement' and safeguarding standards met.
            when inspection_regime = 'report_card' then
                coalesce(safeguarding_standards = 'Met', false)
                {%- for area in report_card_areas %}
                and coalesce({{ area }}_grade, 'Expected standard') in ('Exceptional', 'Strong standard', 'Expected standard')
                {%- endfor %}
        end as is_good_or_outstanding
    from with_regime

),

final as (

    select
        cast(urn as integer) as urn,
        cast(inspected_urn as integer) as inspected_urn,
        inspection_number,
        inspection_start_date,
        inspection_regime,
        definition_version,
        coalesce(is_good_or_outstanding, false) as is_good_or_outstanding,
        counts_as_good_or_outstanding as definition_applied
    from judged
    where bears_judgement
    qualify row_number() over (
        partition by urn order by inspection_start_date desc, publication_date desc, inspection_number desc
    ) = 1

)

select * from final
