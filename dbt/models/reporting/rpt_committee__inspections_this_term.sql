with

report_term as (

    select * from {{ ref('int_report_term') }}

),

schools as (

    select * from {{ ref('dim_school') }}
    where is_la_school
        and governance in ('maintained', 'academy')

),

-- One regime-aware outcome and movement per inspection, shared with the inspection briefing and the booklets.
outcomes as (

    select * from {{ ref('int_ofsted_inspection_outcomes') }}

),

-- The school's own inspections (generations_back = 0); the previous judgement may come from a predecessor URN.
inspections_in_term as (

    select outcomes.*
    from outcomes
    inner join report_term
        on outcomes.publication_date between report_term.term_start and report_term.term_end
    where outcomes.generations_back = 0

),

final as (

    select
        inspections_in_term.urn,
        schools.school_name,
        inspections_in_term.publication_date,
        inspections_in_term.inspection_regime,
        inspections_in_term.outcome_label as overall_effectiveness_label,
        inspections_in_term.previous_outcome_label as previous_effectiveness_label,
        inspections_in_term.movement
    from inspections_in_term
    inner join schools
        on schools.urn = inspections_in_term.urn

)

select * from final
