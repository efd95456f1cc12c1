{#- Whether each school counts as good or outstanding, under the definition of the Ofsted regime of its latest
    judgement-bearing inspection (seed good_or_outstanding_definitions). The regime is decided by the inspection
    start date against the seed's effective dates. Grain: one row per school (urn) with such an inspection. -#}
{#- The per-regime rules live in macros/ofsted_outcome.sql, shared with int_ofsted_inspection_outcomes. -#}
{%- set report_card_areas = report_card_areas() -%}

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

-- Whether the inspection bears a judgement under its regime, and whether that judgement is good or outstanding
-- (or equivalent): macros ofsted_bears_judgement and ofsted_is_good_or_outstanding.
judged as (

    select
        *,
        {{ ofsted_bears_judgement() }} as bears_judgement,
        {{ ofsted_is_good_or_outstanding() }} as is_good_or_outstanding
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
