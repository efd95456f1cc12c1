{#- The published inspections of the LA's maintained schools and academies, each school's own (not its
    predecessors'), with the school's name, phase and governance and the regime-aware outcome and movement of
    int_ofsted_inspection_outcomes. The committee report and the inspection briefing select from it by period. -#}
with

schools as (

    select * from {{ ref('dim_school') }}
    where is_la_service_school

),

-- generations_back = 0: the school's own inspections; the previous judgement may come from a predecessor URN.
outcomes as (

    select * from {{ ref('int_ofsted_inspection_outcomes') }}
    where generations_back = 0
        and publication_date is not null

),

final as (

    select
        outcomes.urn,
        schools.school_name,
        schools.phase,
        schools.governance,
        outcomes.inspection_number,
        outcomes.inspection_type,
        outcomes.inspection_start_date,
        outcomes.publication_date,
        outcomes.overall_effectiveness_grade,
        outcomes.inspection_regime,
        outcomes.outcome_label,
        outcomes.category_of_concern_label,
        outcomes.previous_outcome_label,
        outcomes.movement
    from outcomes
    inner join schools
        on schools.urn = outcomes.urn

)

select * from final
